"""Admins demoting or deactivating each other at the same instant: one active admin always remains (row locks)."""

from __future__ import annotations

import asyncio

import pytest

from app.adapters.db.engine import create_session_factory
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.bootstrap import build_services
from app.core.accounts.errors import LastAdminError
from app.core.shared.paging import PageRequest
from app.core.shared.principal import Role
from tests.conftest import settings_for, truncate_all

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_admins_demoting_each_other_at_once_leave_exactly_one_admin(postgres_url: str) -> None:
    await truncate_all(postgres_url)
    services = build_services(settings_for(postgres_url))
    try:
        user_admin = services.user_admin
        for round_ in range(5):
            admins = [
                await user_admin.create_superuser(email=f"a{round_}-{i}@example.com", password="s3cret-pass", name="A")
                for i in range(3)
            ]
            others = await user_admin.list_users(
                actor=admins[0].principal(), search=None, role=Role.ADMIN, page=PageRequest(limit=100)
            )
            for user in others.items:  # only this round's three admins are active admins
                if user.id not in {a.id for a in admins}:
                    await user_admin.set_active(actor=admins[0].principal(), user_id=user.id, is_active=False)
            changes = [
                user_admin.set_roles(actor=admin.principal(), user_id=admin.id, roles=frozenset())
                if i % 2 == 0
                else user_admin.set_active(actor=admin.principal(), user_id=admin.id, is_active=False)
                for i, admin in enumerate(admins)
            ]
            results = await asyncio.gather(*changes, return_exceptions=True)

            refused = [r for r in results if isinstance(r, BaseException)]
            assert len(refused) == 1, results
            assert isinstance(refused[0], LastAdminError)
            async with SqlUnitOfWorkFactory(create_session_factory(services.engine))() as uow:
                stored = await uow.users.get_many([a.id for a in admins])
            remaining = [u for u in stored if u.is_active_admin]
            assert len(remaining) == 1
    finally:
        await services.aclose()
