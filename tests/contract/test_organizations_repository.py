"""The same organization repository assertions on the fake, on SQLite and on PostgreSQL."""

# ruff: noqa: F811  (the `uow` fixture is imported from the accounts contract suite and used as a parameter)
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.core.accounts.model import User
from app.core.organizations.errors import AlreadyMemberError
from app.core.organizations.model import Organization
from app.core.shared.paging import PageRequest
from tests.contract.test_accounts_repository import Factory, uow  # noqa: F401  (the same three backends)


async def users(uow: Factory, *names: str, active: bool = True) -> list[int]:
    now = datetime.now(UTC)
    async with uow() as unit:
        added = [
            await unit.users.add(
                User(email=f"{n}@example.com", name=n, password_hash="h", is_active=active, created_at=now)
            )
            for n in names
        ]
        await unit.commit()
    return [u.id for u in added]


async def organization(uow: Factory, title: str, member_ids: list[int], **fields: Any) -> Organization:
    async with uow() as unit:
        added = await unit.organizations.add(Organization(title=title, member_ids=frozenset(member_ids), **fields))
        await unit.commit()
    return added  # type: ignore[no-any-return]


async def test_cards_keep_the_given_order_and_show_only_active_members(uow: Factory) -> None:
    ann, bob = await users(uow, "ann", "bob")
    [idle] = await users(uow, "idle", active=False)
    first = await organization(uow, "First", [ann, idle], postcode="101000", address="Moscow")
    second = await organization(uow, "Second", [bob])

    async with uow() as unit:
        cards = await unit.organizations.cards([second.id, first.id, 424242, second.id])

    assert [c.organization.title for c in cards] == ["Second", "First"]
    assert [m.name for m in cards[1].members] == ["ann"]
    assert cards[1].organization.member_ids == {ann, idle}
    assert cards[1].organization.full_address == "101000, Moscow"
    assert (cards[0].members[0].id, cards[0].members[0].email) == (bob, "bob@example.com")


async def test_list_cards_search_and_paging(uow: Factory) -> None:
    [ann] = await users(uow, "ann")
    for title in ["Alpha Club", "Beta", "gamma CLUB", "50%_club"]:
        await organization(uow, title, [ann])

    async with uow() as unit:
        clubs = await unit.organizations.list_cards(search="club", page=PageRequest(limit=2, offset=1))
        literal = await unit.organizations.list_cards(search="%_", page=PageRequest())

    assert clubs.total == 3
    assert [c.organization.title for c in clubs.items] == ["gamma CLUB", "50%_club"]
    assert [c.organization.title for c in literal.items] == ["50%_club"]


async def test_members_are_unique_per_organization_and_removal_reports_what_it_did(uow: Factory) -> None:
    ann, bob = await users(uow, "ann", "bob")
    club = await organization(uow, "Club", [ann])

    async with uow() as unit:
        await unit.organizations.add_member(club.id, bob)
        await unit.commit()
    with pytest.raises(AlreadyMemberError):
        async with uow() as unit:
            await unit.organizations.add_member(club.id, bob)
    async with uow() as unit:
        assert await unit.organizations.remove_member(club.id, ann) is True
        assert await unit.organizations.remove_member(club.id, ann) is False
        await unit.commit()
    async with uow() as unit:
        loaded = await unit.organizations.get_for_update(club.id)
        assert loaded is not None and loaded.member_ids == {bob}
        assert await unit.organizations.get(424242) is None
