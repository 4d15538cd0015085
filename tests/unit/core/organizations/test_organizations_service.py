"""Organization use cases through fakes of every port."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.accounts.errors import UserNotFoundError
from app.core.accounts.model import User
from app.core.organizations.errors import (
    AlreadyMemberError,
    InvalidOrganizationError,
    LastMemberError,
    MemberNotFoundError,
    NotOrganizationMemberError,
    OrganizationNotFoundError,
    UnknownUsersError,
)
from app.core.organizations.model import NewOrganization, full_address
from app.core.organizations.service import CREATE_ORGANIZATION_JOB
from app.core.shared.paging import PageRequest
from app.core.shared.principal import Principal, Role
from tests.builders import World, a_world, an_organizations_service
from tests.fakes import InMemoryJobQueue


def add_user(world: World, name: str, *, active: bool = True) -> Principal:
    user_id = next(world.uow.store.ids)
    world.uow.store.users[user_id] = User(
        id=user_id, email=f"{name}@example.com", name=name, password_hash="h", is_active=active
    )
    return Principal(user_id=user_id, roles=frozenset({Role.MEMBER}))


@pytest.mark.parametrize(
    ("postcode", "address", "expected"),
    [
        ("101000", "Moscow", "101000, Moscow"),
        ("", "Moscow", "Moscow"),
        (None, " Moscow ", "Moscow"),
        ("101000", None, "101000"),
        (" ", "", ""),
    ],
)
def test_full_address_joins_postcode_and_address_skipping_empty_parts(
    postcode: str | None, address: str | None, expected: str
) -> None:
    assert full_address(postcode, address) == expected


@given(st.text(max_size=20), st.text(max_size=40))
def test_full_address_never_has_stray_separators(postcode: str, address: str) -> None:
    joined = full_address(postcode, address)
    assert not joined.startswith(", ") and not joined.endswith(", ")
    assert (joined == "") == (not postcode.strip() and not address.strip())


async def test_create_adds_the_creator_and_shows_only_active_members() -> None:
    world = a_world()
    ann, bob, idle = add_user(world, "ann"), add_user(world, "bob"), add_user(world, "idle", active=False)
    service = an_organizations_service(world)

    card = await service.create(
        actor=ann,
        draft=NewOrganization(title=" Club ", postcode="1", address="A", member_ids=[bob.user_id, idle.user_id]),
    )

    assert card.organization.title == "Club"
    assert card.organization.member_ids == {ann.user_id, bob.user_id, idle.user_id}
    assert [m.name for m in card.members] == ["ann", "bob"]
    assert card.organization.full_address == "1, A"
    assert world.uow.commits == 1


async def test_create_refuses_unknown_members_and_blank_titles_without_committing() -> None:
    world = a_world()
    ann = add_user(world, "ann")
    service = an_organizations_service(world)

    with pytest.raises(UnknownUsersError) as refused:
        await service.create(actor=ann, draft=NewOrganization(title="Club", member_ids=[77]))
    assert [e.field for e in refused.value.errors] == ["member_ids"]
    with pytest.raises(InvalidOrganizationError):
        await service.create(actor=ann, draft=NewOrganization(title="  "))
    assert world.uow.commits == 0


async def test_only_members_or_admins_change_members() -> None:
    world = a_world()
    ann, bob, eve = add_user(world, "ann"), add_user(world, "bob"), add_user(world, "eve")
    admin = Principal(user_id=eve.user_id, roles=frozenset({Role.ADMIN}))
    service = an_organizations_service(world)
    organization = (await service.create(actor=ann, draft=NewOrganization(title="Club"))).organization

    with pytest.raises(NotOrganizationMemberError):
        await service.add_member(actor=bob, organization_id=organization.id, user_id=bob.user_id)
    card = await service.add_member(actor=admin, organization_id=organization.id, user_id=bob.user_id)
    assert card.organization.member_ids == {ann.user_id, bob.user_id}
    with pytest.raises(AlreadyMemberError):
        await service.add_member(actor=bob, organization_id=organization.id, user_id=ann.user_id)
    with pytest.raises(UserNotFoundError):
        await service.add_member(actor=bob, organization_id=organization.id, user_id=999)
    with pytest.raises(OrganizationNotFoundError):
        await service.add_member(actor=bob, organization_id=999, user_id=ann.user_id)


async def test_remove_keeps_the_last_member() -> None:
    world = a_world()
    ann, bob = add_user(world, "ann"), add_user(world, "bob")
    service = an_organizations_service(world)
    organization = (
        await service.create(actor=ann, draft=NewOrganization(title="C", member_ids=[bob.user_id]))
    ).organization

    await service.remove_member(actor=bob, organization_id=organization.id, user_id=ann.user_id)
    with pytest.raises(MemberNotFoundError):
        await service.remove_member(actor=bob, organization_id=organization.id, user_id=ann.user_id)
    with pytest.raises(LastMemberError):
        await service.remove_member(actor=bob, organization_id=organization.id, user_id=bob.user_id)
    assert (await service.get(actor=bob, organization_id=organization.id)).organization.member_ids == {bob.user_id}


async def test_list_searches_titles_case_insensitively_and_pages() -> None:
    world = a_world()
    ann = add_user(world, "ann")
    service = an_organizations_service(world)
    for title in ["Alpha Club", "beta club", "Gamma"]:
        await service.create(actor=ann, draft=NewOrganization(title=title))

    page = await service.list_organizations(actor=ann, search=" CLUB ", page=PageRequest(limit=1, offset=1))

    assert page.total == 2
    assert [c.organization.title for c in page.items] == ["beta club"]


async def test_request_creation_queues_a_job_whose_handler_creates_the_organization() -> None:
    world = a_world()
    ann = add_user(world, "ann")
    jobs = InMemoryJobQueue(world.clock)
    service = an_organizations_service(world, jobs)

    job = await service.request_creation(actor=ann, draft=NewOrganization(title="Later", postcode="9"), delay_s=60)

    assert (job.kind, job.created_by, world.uow.store.organizations) == (CREATE_ORGANIZATION_JOB, ann.user_id, {})
    await jobs.run_all({CREATE_ORGANIZATION_JOB: service.run_creation_job})
    assert world.uow.store.organizations == {}  # not due yet
    world.clock.advance(seconds=60)
    await jobs.run_all({CREATE_ORGANIZATION_JOB: service.run_creation_job})
    done = jobs.jobs[job.id]
    [organization] = world.uow.store.organizations.values()
    assert done.result == {"organization_id": organization.id}
    assert (organization.title, organization.full_address, organization.member_ids) == (
        "Later",
        "9",
        frozenset({ann.user_id}),
    )


async def test_request_creation_refuses_unknown_members_before_queueing() -> None:
    world = a_world()
    ann = add_user(world, "ann")
    jobs = InMemoryJobQueue(world.clock)
    with pytest.raises(UnknownUsersError):
        await an_organizations_service(world, jobs).request_creation(
            actor=ann, draft=NewOrganization(title="X", member_ids=[5])
        )
    assert jobs.jobs == {}
