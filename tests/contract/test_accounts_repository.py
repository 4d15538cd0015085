"""The same repository assertions on the fake, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import pytest

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.core.accounts.errors import EmailTakenError, UsernameTakenError
from app.core.accounts.model import RefreshToken, User
from app.core.shared.paging import PageRequest
from app.core.shared.principal import Role
from tests.conftest import truncate_all
from tests.fakes import FakeUnitOfWorkFactory

Factory = Callable[[], AbstractAsyncContextManager[Any]]


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def uow(request: pytest.FixtureRequest) -> AsyncIterator[Factory]:
    if request.param == "fake":
        yield FakeUnitOfWorkFactory()
        return
    url: str = request.getfixturevalue(f"{request.param}_url")
    await truncate_all(url)
    engine = create_engine(url)
    yield SqlUnitOfWorkFactory(create_session_factory(engine))
    await engine.dispose()


def a_user(email: str, **fields: Any) -> User:
    return User(email=email, name=email.split("@")[0], password_hash="h", created_at=datetime.now(UTC), **fields)


async def test_add_and_get_round_trip(uow: Factory) -> None:
    async with uow() as unit:
        added = await unit.users.add(a_user("Ann@example.com", phone="+48123456789", roles=frozenset({Role.CHIEF})))
        await unit.commit()
    async with uow() as unit:
        loaded = await unit.users.get(added.id)
        by_email = await unit.users.get_by_email("ANN@EXAMPLE.COM")
    assert loaded == by_email
    assert loaded is not None
    assert (loaded.email, loaded.phone, loaded.roles) == ("Ann@example.com", "+48123456789", {Role.MEMBER, Role.CHIEF})


async def test_email_is_unique_case_insensitively(uow: Factory) -> None:
    async with uow() as unit:
        await unit.users.add(a_user("ann@example.com"))
        await unit.commit()
    with pytest.raises(EmailTakenError):
        async with uow() as unit:
            await unit.users.add(a_user("ANN@example.com"))


async def test_username_is_unique(uow: Factory) -> None:
    async with uow() as unit:
        await unit.users.add(a_user("ann@example.com", username="ann"))
        await unit.commit()
    with pytest.raises(UsernameTakenError):
        async with uow() as unit:
            await unit.users.add(a_user("bob@example.com", username="ann"))


async def test_uncommitted_work_is_rolled_back(uow: Factory) -> None:
    async with uow() as unit:
        await unit.users.add(a_user("ann@example.com"))
    async with uow() as unit:
        assert await unit.users.get_by_email("ann@example.com") is None


async def test_list_filters_by_role_and_search_and_pages(uow: Factory) -> None:
    async with uow() as unit:
        for i in range(5):
            await unit.users.add(
                a_user(f"user{i}@example.com", roles=frozenset({Role.ORGANIZER}) if i % 2 else frozenset())
            )
        await unit.commit()
    async with uow() as unit:
        organizers = await unit.users.list(search=None, role=Role.ORGANIZER, page=PageRequest(limit=1, offset=1))
        searched = await unit.users.list(search="USER3", role=None, page=PageRequest())
    assert organizers.total == 2
    assert [u.email for u in organizers.items] == ["user3@example.com"]
    assert [u.email for u in searched.items] == ["user3@example.com"]


async def test_refresh_token_family_is_revoked_together(uow: Factory) -> None:
    now = datetime.now(UTC)
    async with uow() as unit:
        user = await unit.users.add(a_user("ann@example.com"))
        for jti in ("a", "b"):
            await unit.refresh_tokens.add(RefreshToken(jti=jti, family="f", user_id=user.id, expires_at=now))
        await unit.refresh_tokens.add(RefreshToken(jti="c", family="g", user_id=user.id, expires_at=now))
        await unit.commit()
    async with uow() as unit:
        await unit.refresh_tokens.mark_used("a", now)
        await unit.refresh_tokens.revoke_family("f", now)
        await unit.commit()
    async with uow() as unit:
        a, b, c = [await unit.refresh_tokens.get_for_update(j) for j in ("a", "b", "c")]
    assert a and a.used_at and a.revoked_at and b and b.revoked_at and b.used_at is None
    assert c and not c.is_spent
