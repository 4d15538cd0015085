"""Event directory use cases and the list's query parameters, through fakes of every port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.event_directory.listing import EventOrdering, EventQuery, InvalidEventQueryError, event_query
from app.core.event_directory.model import NewEvent
from app.core.event_directory.organizers import UnknownOrganizationsError
from app.core.event_directory.service import CREATE_EVENT_JOB
from app.core.images.model import StoredImage
from app.core.organizations.model import Organization
from app.core.shared.paging import PageRequest
from app.core.shared.principal import Principal, Role
from app.core.ticketing.errors import (
    EventNotEditableError,
    EventNotFoundError,
    InvalidEventError,
    NotEventOwnerError,
    OrganizerOnlyError,
)
from app.core.ticketing.model import EventChanges
from tests.builders import World, a_ticketing_service, a_user, a_world, an_event_directory_service
from tests.fakes import InMemoryJobQueue

STARTS_AT = datetime(2099, 5, 1, 18, tzinfo=UTC)


def organizer(world: World, name: str = "olga") -> Principal:
    user = a_user(world, name)
    return Principal(user_id=user.user_id, roles=frozenset({Role.MEMBER, Role.ORGANIZER}))


def an_organization(world: World, title: str, *member_ids: int) -> int:
    organization_id = next(world.uow.store.ids)
    world.uow.store.organizations[organization_id] = Organization(
        id=organization_id, title=title, postcode="101000", address="Moscow", member_ids=frozenset(member_ids)
    )
    return organization_id


def draft(**fields: object) -> NewEvent:
    return NewEvent(**{"title": "Hike", "starts_at": STARTS_AT, "capacity": 5, **fields})  # type: ignore[arg-type]


async def test_deferred_creation_checks_now_and_creates_when_the_job_runs() -> None:
    world = a_world()
    jobs = InMemoryJobQueue(world.clock)
    directory = an_event_directory_service(world, jobs, create_delay_s=60)
    olga = organizer(world)
    club = an_organization(world, "Club", olga.user_id)

    job = await directory.request_creation(actor=olga, draft=draft(organization_ids=(club,)))

    assert (job.kind, job.created_by, job.run_at) == (
        CREATE_EVENT_JOB,
        olga.user_id,
        world.clock.now() + timedelta(seconds=60),
    )
    assert world.uow.store.events == {}
    await jobs.run_all({CREATE_EVENT_JOB: directory.run_creation_job})
    assert jobs.jobs[job.id].result is None
    assert world.uow.store.events == {}  # not due yet
    world.clock.advance(seconds=60)
    await jobs.run_all({CREATE_EVENT_JOB: directory.run_creation_job})
    event_id = jobs.jobs[job.id].result["event_id"]  # type: ignore[index]
    detail = await directory.get_event(actor=olga, event_id=event_id)
    assert (detail.event.title, detail.event.starts_at, detail.event.owner_id) == ("Hike", STARTS_AT, olga.user_id)
    assert [card.organization.title for card in detail.organizations] == ["Club"]
    assert [member.id for member in detail.organizations[0].members] == [olga.user_id]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": "  "}, InvalidEventError),
        ({"capacity": 0}, InvalidEventError),
        ({"organization_ids": (424242,)}, UnknownOrganizationsError),
    ],
)
async def test_deferred_creation_refuses_bad_input_before_queueing(fields: dict[str, object], error: type) -> None:
    world = a_world()
    jobs = InMemoryJobQueue(world.clock)
    directory = an_event_directory_service(world, jobs)
    with pytest.raises(error):
        await directory.request_creation(actor=organizer(world), draft=draft(**fields))
    with pytest.raises(OrganizerOnlyError):
        await directory.request_creation(actor=a_user(world, "member"), draft=draft())
    assert jobs.jobs == {}


async def test_images_are_set_by_the_organizer_only_while_not_cancelled() -> None:
    world = a_world()
    directory = an_event_directory_service(world)
    olga, other = organizer(world), organizer(world, "other")
    image = StoredImage(image_url="/media/a.png", thumbnail_url="/media/a_thumb.jpg", width=1, height=1)
    draft_event = (await directory.create_event(actor=olga, draft=draft())).event

    with pytest.raises(EventNotFoundError):
        await directory.check_image_change(actor=other, event_id=draft_event.id)
    events = a_ticketing_service(world).events
    await events.publish_event(actor=olga, event_id=draft_event.id)
    with pytest.raises(NotEventOwnerError):
        await directory.check_image_change(actor=other, event_id=draft_event.id)
    detail = await directory.set_image(actor=olga, event_id=draft_event.id, image=image)
    assert (detail.event.image_url, detail.event.thumbnail_url) == ("/media/a.png", "/media/a_thumb.jpg")
    await events.cancel_event(actor=olga, event_id=draft_event.id)
    with pytest.raises(EventNotEditableError):
        await directory.check_image_change(actor=olga, event_id=draft_event.id)


async def test_edit_replaces_organizations_atomically() -> None:
    world = a_world()
    directory = an_event_directory_service(world)
    olga = organizer(world)
    first, second = an_organization(world, "First"), an_organization(world, "Second")
    created = await directory.create_event(actor=olga, draft=draft(organization_ids=(first,)))

    with pytest.raises(UnknownOrganizationsError):
        await directory.edit_event(
            actor=olga, event_id=created.event.id, changes=EventChanges(title="New"), organization_ids=[second, 99]
        )
    unchanged = await directory.get_event(actor=olga, event_id=created.event.id)
    assert (unchanged.event.title, [c.organization.id for c in unchanged.organizations]) == ("Hike", [first])
    edited = await directory.edit_event(
        actor=olga, event_id=created.event.id, changes=EventChanges(), organization_ids=[second]
    )
    assert [c.organization.id for c in edited.organizations] == [second]
    page = await directory.list_published(query=EventQuery(organization_id=second), page=PageRequest())
    assert page.total == 0  # a draft is not listed


def test_event_query_combines_the_parameters() -> None:
    query = event_query(
        search="  Hike ",
        date="2099-05-01",
        date__gte="2099-05-01T12:00:00+02:00",
        date__lte="2099-06-01",
        ordering="-date",
        organization=7,
    )
    assert query == EventQuery(
        search="Hike",
        starts_from=datetime(2099, 5, 1, 10, tzinfo=UTC),
        starts_before=datetime(2099, 5, 2, tzinfo=UTC),
        organization_id=7,
        ordering=EventOrdering.LATEST,
    )
    assert event_query() == EventQuery()
    assert event_query(date__lte="2099-05-01T10:00:00Z").starts_before == datetime(2099, 5, 1, 10, 0, 0, 1, tzinfo=UTC)


def test_event_query_names_every_bad_parameter() -> None:
    with pytest.raises(InvalidEventQueryError) as raised:
        event_query(date="05/01/2099", date__gte="soon", date__lte="2099-05-01T10:00", ordering="title", organization=0)
    assert [e.field for e in raised.value.errors] == ["date", "date__gte", "date__lte", "ordering", "organization"]
    assert raised.value.code == "validation_error"


@given(
    day=st.dates(min_value=datetime(2000, 1, 1).date(), max_value=datetime(2200, 1, 1).date()),
    instant=st.datetimes(min_value=datetime(1999, 12, 30), max_value=datetime(2200, 1, 3), timezones=st.just(UTC)),
)
def test_a_day_filter_keeps_exactly_the_instants_of_that_utc_day(day: object, instant: datetime) -> None:
    query = event_query(date=str(day))
    assert query.matches(title="x", starts_at=instant, organization_ids=frozenset()) == (instant.date() == day)
    inclusive = event_query(date__gte=str(day), date__lte=str(day))
    assert inclusive == query


async def test_a_creation_job_run_again_answers_with_the_event_it_made() -> None:
    world = a_world()
    jobs = InMemoryJobQueue(world.clock)
    directory = an_event_directory_service(world, jobs, create_delay_s=0)
    job = await directory.request_creation(actor=organizer(world), draft=draft())

    first = await directory.run_creation_job(job.payload)
    again = await directory.run_creation_job(job.payload)  # a worker died after the commit: the job runs again

    assert first == again
    assert list(world.uow.store.events) == [first["event_id"]]
