"""Expedition use cases through fakes: the state machine, invitations, and events after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.accounts.errors import UserNotFoundError
from app.core.expeditions.domain_events import (
    ExpeditionCreated,
    ExpeditionStatusChanged,
    MemberConfirmed,
    MemberDeclined,
    MemberInvited,
)
from app.core.expeditions.errors import (
    AlreadyInvitedError,
    AlreadyRespondedError,
    ChiefNotInvitableError,
    ChiefRoleRequiredError,
    ExpeditionClosedError,
    ExpeditionNotFoundError,
    InvalidTransitionError,
    MemberBusyError,
    NotChiefError,
    NotEnoughMembersError,
    NotInvitedError,
    OverCapacityError,
    SubscriptionForbiddenError,
    TooEarlyError,
)
from app.core.expeditions.model import ExpeditionStatus, MembershipStatus, Person
from app.core.expeditions.service import ExpeditionService
from app.core.shared.errors import InvalidInputError
from app.core.shared.paging import PageRequest
from app.core.shared.principal import Principal
from tests.builders import World, a_user, a_world, an_expedition_service

READY, ACTIVE = ExpeditionStatus.READY, ExpeditionStatus.ACTIVE


@pytest.fixture
def world() -> World:
    return a_world()


@pytest.fixture
def service(world: World) -> ExpeditionService:
    return an_expedition_service(world)


async def _expedition(world: World, service: ExpeditionService, chief: Principal, *, capacity: int = 5) -> int:
    expedition = await service.create(
        actor=chief, title="Arctic", start_at=world.clock.now() - timedelta(hours=1), capacity=capacity
    )
    return expedition.id


async def _with_confirmed(
    world: World, service: ExpeditionService, chief: Principal, members: list[Principal], *, capacity: int = 5
) -> int:
    expedition_id = await _expedition(world, service, chief, capacity=capacity)
    for member in members:
        await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=member.user_id)
        await service.confirm_invitation(actor=member, expedition_id=expedition_id)
    return expedition_id


async def test_create_starts_in_draft_with_the_caller_as_chief(world: World, service: ExpeditionService) -> None:
    chief = a_user(world, "chief", chief=True)
    expedition = await service.create(
        actor=chief, title="  Arctic ", start_at=world.clock.now(), capacity=5, description="cold"
    )
    assert (expedition.status, expedition.chief_id, expedition.title) == ("draft", chief.user_id, "Arctic")
    assert world.uow.commits == 1


async def test_create_is_refused_when_the_caller_is_not_a_chief(world: World, service: ExpeditionService) -> None:
    with pytest.raises(ChiefRoleRequiredError):
        await service.create(actor=a_user(world, "ann"), title="A", start_at=world.clock.now(), capacity=5)


async def test_create_is_refused_when_the_title_is_blank(world: World, service: ExpeditionService) -> None:
    with pytest.raises(InvalidInputError):
        await service.create(actor=a_user(world, "c", chief=True), title="  ", start_at=world.clock.now(), capacity=5)


async def test_full_lifecycle_publishes_each_event_after_its_commit(world: World, service: ExpeditionService) -> None:
    chief, ann, bob = a_user(world, "chief", chief=True), a_user(world, "ann"), a_user(world, "bob")
    expedition_id = await _with_confirmed(world, service, chief, [ann, bob])
    for target in (READY, ACTIVE, ExpeditionStatus.FINISHED):
        await service.change_status(actor=chief, expedition_id=expedition_id, target=target)

    created, *events = world.notifier.published
    assert created == ExpeditionCreated(expedition_id=expedition_id, chief_id=chief.user_id, title="Arctic")
    assert events[0] == MemberInvited(expedition_id=expedition_id, user=Person(ann.user_id, "ann", "ann@example.com"))
    assert isinstance(events[1], MemberConfirmed) and events[1].user.id == ann.user_id
    assert [(e.previous_status, e.status) for e in events if isinstance(e, ExpeditionStatusChanged)] == [
        ("draft", "ready"),
        ("ready", "active"),
        ("active", "finished"),
    ]
    assert world.uow.commits == len(events) + 1  # one commit and one event per change, and the creation


async def test_draft_and_ready_may_be_cancelled_but_nothing_leaves_cancelled_or_finished(
    world: World, service: ExpeditionService
) -> None:
    chief = a_user(world, "chief", chief=True)
    draft, ready = await _expedition(world, service, chief), await _expedition(world, service, chief)
    await service.change_status(actor=chief, expedition_id=ready, target=READY)
    for expedition_id in (draft, ready):
        await service.change_status(actor=chief, expedition_id=expedition_id, target=ExpeditionStatus.CANCELLED)
        for target in ExpeditionStatus:
            with pytest.raises(InvalidTransitionError):
                await service.change_status(actor=chief, expedition_id=expedition_id, target=target)


@pytest.mark.parametrize(
    ("path", "target"),
    [([], ACTIVE), ([], ExpeditionStatus.FINISHED), ([], ExpeditionStatus.DRAFT), ([READY], ExpeditionStatus.DRAFT)],
)
async def test_transitions_outside_the_table_are_invalid(
    world: World, service: ExpeditionService, path: list[ExpeditionStatus], target: ExpeditionStatus
) -> None:
    chief = a_user(world, "chief", chief=True)
    expedition_id = await _expedition(world, service, chief)
    for step in path:
        await service.change_status(actor=chief, expedition_id=expedition_id, target=step)
    published = len(world.notifier.published)
    with pytest.raises(InvalidTransitionError):
        await service.change_status(actor=chief, expedition_id=expedition_id, target=target)
    assert len(world.notifier.published) == published  # nothing published for a refused change


async def test_activation_is_refused_when_the_start_time_is_not_reached(
    world: World, service: ExpeditionService
) -> None:
    chief, ann, bob = a_user(world, "chief", chief=True), a_user(world, "ann"), a_user(world, "bob")
    expedition = await service.create(
        actor=chief, title="Later", start_at=world.clock.now() + timedelta(minutes=1), capacity=5
    )
    for member in (ann, bob):
        await service.invite_member(actor=chief, expedition_id=expedition.id, user_id=member.user_id)
        await service.confirm_invitation(actor=member, expedition_id=expedition.id)
    await service.change_status(actor=chief, expedition_id=expedition.id, target=READY)
    with pytest.raises(TooEarlyError):
        await service.change_status(actor=chief, expedition_id=expedition.id, target=ACTIVE)
    world.clock.advance(minutes=1)
    assert (await service.change_status(actor=chief, expedition_id=expedition.id, target=ACTIVE)).status == "active"


async def test_activation_is_refused_when_fewer_than_two_members_confirmed(
    world: World, service: ExpeditionService
) -> None:
    chief, ann, bob = a_user(world, "chief", chief=True), a_user(world, "ann"), a_user(world, "bob")
    expedition_id = await _with_confirmed(world, service, chief, [ann])
    await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=bob.user_id)  # invited only
    await service.change_status(actor=chief, expedition_id=expedition_id, target=READY)
    with pytest.raises(NotEnoughMembersError):
        await service.change_status(actor=chief, expedition_id=expedition_id, target=ACTIVE)
    assert (await service.get(actor=chief, expedition_id=expedition_id)).status == "ready"


async def test_activation_is_refused_when_a_confirmed_member_is_on_another_active_expedition(
    world: World, service: ExpeditionService
) -> None:
    chief, ann, bob, cid = (
        a_user(world, "chief", chief=True),
        a_user(world, "ann"),
        a_user(world, "bob"),
        a_user(world, "cid"),
    )
    first = await _with_confirmed(world, service, chief, [ann, bob])
    second = await _with_confirmed(world, service, chief, [bob, cid])
    for expedition_id in (first, second):
        await service.change_status(actor=chief, expedition_id=expedition_id, target=READY)
    await service.change_status(actor=chief, expedition_id=first, target=ACTIVE)
    with pytest.raises(MemberBusyError) as refused:
        await service.change_status(actor=chief, expedition_id=second, target=ACTIVE)
    assert refused.value.member_id == bob.user_id and refused.value.extras() == {"member_id": bob.user_id}
    await service.change_status(actor=chief, expedition_id=first, target=ExpeditionStatus.FINISHED)
    assert (await service.change_status(actor=chief, expedition_id=second, target=ACTIVE)).status == "active"


async def test_confirming_beyond_capacity_is_refused(world: World, service: ExpeditionService) -> None:
    chief, ann, bob = a_user(world, "chief", chief=True), a_user(world, "ann"), a_user(world, "bob")
    expedition_id = await _with_confirmed(world, service, chief, [ann], capacity=1)
    await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=bob.user_id)
    with pytest.raises(OverCapacityError):
        await service.confirm_invitation(actor=bob, expedition_id=expedition_id)
    members = await service.members(actor=chief, expedition_id=expedition_id)
    assert [(m.user_id, m.status) for m in members] == [(ann.user_id, "confirmed"), (bob.user_id, "invited")]


async def test_only_the_chief_invites_and_changes_status(world: World, service: ExpeditionService) -> None:
    chief, ann, bob = a_user(world, "chief", chief=True), a_user(world, "ann"), a_user(world, "bob")
    expedition_id = await _with_confirmed(world, service, chief, [ann])
    with pytest.raises(NotChiefError):
        await service.invite_member(actor=ann, expedition_id=expedition_id, user_id=bob.user_id)
    with pytest.raises(NotChiefError):
        await service.change_status(actor=ann, expedition_id=expedition_id, target=READY)


async def test_outsiders_are_told_the_expedition_does_not_exist(world: World, service: ExpeditionService) -> None:
    chief, eve = a_user(world, "chief", chief=True), a_user(world, "eve")
    expedition_id = await _expedition(world, service, chief)
    calls = [
        service.get(actor=eve, expedition_id=expedition_id),
        service.members(actor=eve, expedition_id=expedition_id),
        service.invite_member(actor=eve, expedition_id=expedition_id, user_id=eve.user_id),
        service.confirm_invitation(actor=eve, expedition_id=expedition_id),
        service.decline_invitation(actor=eve, expedition_id=expedition_id),
        service.change_status(actor=eve, expedition_id=expedition_id, target=READY),
        service.get(actor=chief, expedition_id=expedition_id + 1000),
    ]
    for call in calls:
        with pytest.raises(ExpeditionNotFoundError):
            await call


async def test_invitation_refusals(world: World, service: ExpeditionService) -> None:
    chief, ann = a_user(world, "chief", chief=True), a_user(world, "ann")
    expedition_id = await _expedition(world, service, chief)
    with pytest.raises(ChiefNotInvitableError):
        await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=chief.user_id)
    with pytest.raises(UserNotFoundError):
        await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=9999)
    await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=ann.user_id)
    with pytest.raises(AlreadyInvitedError):
        await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=ann.user_id)


async def test_only_the_invited_user_answers_and_only_once(world: World, service: ExpeditionService) -> None:
    chief, ann, bob = a_user(world, "chief", chief=True), a_user(world, "ann"), a_user(world, "bob")
    expedition_id = await _expedition(world, service, chief)
    await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=ann.user_id)
    await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=bob.user_id)
    with pytest.raises(NotInvitedError):
        await service.confirm_invitation(actor=chief, expedition_id=expedition_id)
    membership = await service.confirm_invitation(actor=ann, expedition_id=expedition_id)
    assert (membership.status, membership.confirmed_at) == (MembershipStatus.CONFIRMED, world.clock.now())
    with pytest.raises(AlreadyRespondedError):
        await service.confirm_invitation(actor=ann, expedition_id=expedition_id)
    with pytest.raises(AlreadyRespondedError):
        await service.decline_invitation(actor=ann, expedition_id=expedition_id)
    declined = await service.decline_invitation(actor=bob, expedition_id=expedition_id)
    assert declined.status == "declined"
    assert isinstance(world.notifier.published[-1], MemberDeclined)
    with pytest.raises(ExpeditionNotFoundError):  # who declined no longer belongs
        await service.get(actor=bob, expedition_id=expedition_id)


async def test_invitations_are_closed_once_the_expedition_started(world: World, service: ExpeditionService) -> None:
    chief, ann, bob, cid = (
        a_user(world, "chief", chief=True),
        a_user(world, "ann"),
        a_user(world, "bob"),
        a_user(world, "cid"),
    )
    expedition_id = await _with_confirmed(world, service, chief, [ann, bob])
    await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=cid.user_id)
    await service.change_status(actor=chief, expedition_id=expedition_id, target=READY)
    await service.change_status(actor=chief, expedition_id=expedition_id, target=ACTIVE)
    with pytest.raises(ExpeditionClosedError):
        await service.confirm_invitation(actor=cid, expedition_id=expedition_id)
    with pytest.raises(ExpeditionClosedError):
        await service.invite_member(actor=chief, expedition_id=expedition_id, user_id=a_user(world, "dan").user_id)


async def test_an_admin_may_act_as_chief(world: World, service: ExpeditionService) -> None:
    chief, admin = a_user(world, "chief", chief=True), a_user(world, "root", admin=True)
    expedition_id = await _expedition(world, service, chief)
    changed = await service.change_status(actor=admin, expedition_id=expedition_id, target=READY)
    assert changed.status == "ready"


async def test_listing_and_following_cover_exactly_the_expeditions_one_belongs_to(
    world: World, service: ExpeditionService
) -> None:
    chief, ann, eve = a_user(world, "chief", chief=True), a_user(world, "ann"), a_user(world, "eve")
    first, second = await _expedition(world, service, chief), await _expedition(world, service, chief)
    await service.invite_member(actor=chief, expedition_id=second, user_id=ann.user_id)
    page = await service.list_mine(actor=chief, page=PageRequest())
    assert ([e.id for e in page.items], page.total) == ([second, first], 2)
    assert await service.expedition_ids_of(actor=ann) == [second]
    assert await service.expedition_ids_of(actor=eve) == []
    await service.check_follow(actor=ann, expedition_id=second)
    for expedition_id in (first, 12345):
        with pytest.raises(SubscriptionForbiddenError):
            await service.check_follow(actor=ann, expedition_id=expedition_id)
