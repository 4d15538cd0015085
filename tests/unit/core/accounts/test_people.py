"""Finding people to talk to, through the fake database."""

from __future__ import annotations

from app.core.accounts.people.service import PeopleService
from app.core.shared.paging import PageRequest
from tests.builders import a_user, a_world


def _names(page: object) -> list[str]:
    return [user.name for user in page.items]  # type: ignore[attr-defined]


async def test_find_people_matches_a_username_prefix_in_order_when_searching_by_its_start() -> None:
    world = a_world()
    me = a_user(world, "annie")
    for name in ("bob", "anna", "ann", "carl"):
        a_user(world, name)
    people = PeopleService(uow=world.uow)

    found = await people.find_people(actor=me, search="  AN ", page=PageRequest())

    assert _names(found) == ["ann", "anna"]  # the caller is never in their own results
    assert found.total == 2


async def test_find_people_matches_only_a_whole_email_when_searching_by_address() -> None:
    world = a_world()
    me = a_user(world, "ann")
    a_user(world, "bob")
    people = PeopleService(uow=world.uow)

    assert _names(await people.find_people(actor=me, search="BOB@example.com", page=PageRequest())) == ["bob"]
    assert _names(await people.find_people(actor=me, search="bob@example", page=PageRequest())) == []
    assert _names(await people.find_people(actor=me, search="example.com", page=PageRequest())) == []


async def test_find_people_finds_nobody_when_the_search_is_blank_or_the_account_inactive() -> None:
    world = a_world()
    me = a_user(world, "ann")
    a_user(world, "bob", active=False)
    people = PeopleService(uow=world.uow)

    assert _names(await people.find_people(actor=me, search="   ", page=PageRequest())) == []
    assert _names(await people.find_people(actor=me, search="bob", page=PageRequest())) == []


async def test_find_people_pages_when_more_match_than_the_limit() -> None:
    world = a_world()
    me = a_user(world, "me")
    for index in range(5):
        a_user(world, f"u{index}")
    people = PeopleService(uow=world.uow)

    second = await people.find_people(actor=me, search="u", page=PageRequest(limit=2, offset=2))

    assert _names(second) == ["u2", "u3"]
    assert second.total == 5
