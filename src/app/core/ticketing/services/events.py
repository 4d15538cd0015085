"""Ticketed events: create, show, list, edit, publish, cancel, and their live figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from app.core.event_directory.organizers import ensure_organizations_exist
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal
from app.core.ticketing.domain_events import EventStatusChanged
from app.core.ticketing.metrics import EventMetrics, EventOverview
from app.core.ticketing.model import Event, EventChanges, EventFilter, EventStatus, check_event_fields, ensure_organizer
from app.core.ticketing.reservations import Tally, check_capacity_change
from app.core.ticketing.services.after_commit import AfterCommit, Outcome
from app.core.ticketing.services.steps import fill_free_spots, managed_event, visible_event
from app.ports.clock import Clock
from app.ports.ticketing import TicketingUnitOfWorkFactory

PUBLISHED_ONLY = EventFilter(statuses=frozenset({EventStatus.PUBLISHED}))


class EventService:
    """Ticketed-event use cases. One public method, one transaction; changes follow the commit."""

    def __init__(self, *, uow: TicketingUnitOfWorkFactory, clock: Clock, after_commit: AfterCommit) -> None:
        self._uow, self._clock, self._after_commit = uow, clock, after_commit

    async def create_event(
        self,
        *,
        actor: Principal,
        title: str,
        starts_at: datetime,
        capacity: int,
        description: str = "",
        location: str = "",
        requires_approval: bool = False,
        organization_ids: Sequence[int] = (),
        creation_key: str | None = None,
    ) -> Event:
        """Create a draft event. Rules: organizers only; a title; capacity of at least one; every
        organization id names an organization (``unknown_organizations``)."""
        ensure_organizer(actor)
        check_event_fields(title=title, capacity=capacity, description=description, location=location)
        event = Event(
            owner_id=actor.user_id,
            title=title.strip(),
            description=description,
            starts_at=starts_at,
            location=location.strip(),
            capacity=capacity,
            requires_approval=requires_approval,
            created_at=self._clock.now(),
            creation_key=creation_key,
        )
        async with self._uow() as uow:
            await ensure_organizations_exist(uow.event_directory, organization_ids)
            event = await uow.events.add(event)
            if organization_ids:
                await uow.event_directory.set_organizations(event.id, organization_ids)
            await uow.commit()
        return event

    async def get_event(self, *, actor: Principal | None, event_id: int) -> Event:
        """An event; drafts only for their organizer."""
        async with self._uow() as uow:
            return await visible_event(uow.events, actor, event_id)

    async def list_published(self, *, page: PageRequest, event_filter: EventFilter = PUBLISHED_ONLY) -> Page[Event]:
        """Published events, soonest first."""
        async with self._uow() as uow:
            return await uow.events.list(replace(event_filter, statuses=PUBLISHED_ONLY.statuses), page)

    async def list_own_events(self, *, actor: Principal, page: PageRequest) -> Page[EventOverview]:
        """The caller's events of every status, with their figures. Rules: organizers only."""
        ensure_organizer(actor)
        async with self._uow() as uow:
            events = await uow.events.list(EventFilter(owner_id=actor.user_id), page)
            tallies = await uow.spots.tallies([e.id for e in events.items])
        items = [EventOverview(e, EventMetrics.of(e, tallies.get(e.id, Tally()))) for e in events.items]
        return events.with_items(items)

    async def edit_event(
        self,
        *,
        actor: Principal,
        event_id: int,
        changes: EventChanges,
        organization_ids: Sequence[int] | None = None,
    ) -> Event:
        """Edit a draft or published event. Rules: organizer only; the capacity never goes below the
        confirmed count; a larger capacity promotes waitlisted reservations at once; ``organization_ids``
        (when given) replaces the organizers, each naming an organization."""
        now = self._clock.now()
        async with self._uow() as uow:
            event = await managed_event(uow.events, actor, event_id, lock=True)
            tally = await uow.spots.tally(event.id)
            if changes.capacity is not None:
                check_capacity_change(changes.capacity, tally)
            event.edit(changes)
            event = await uow.events.update(event)
            if organization_ids is not None:
                await ensure_organizations_exist(uow.event_directory, organization_ids)
                await uow.event_directory.set_organizations(event.id, organization_ids)
            outcome = Outcome()
            tally = await fill_free_spots(uow, event, tally, now, outcome)
            outcome.changes.append(self._after_commit.metrics_changed(event, tally))
            await uow.commit()
        await self._after_commit.run(outcome, event=event)
        return event

    async def publish_event(self, *, actor: Principal, event_id: int) -> Event:
        """``draft → published``; anything else is ``invalid_transition``. Organizer only."""
        async with self._uow() as uow:
            event = await managed_event(uow.events, actor, event_id, lock=True)
            previous = event.move_to(EventStatus.PUBLISHED, self._clock.now())
            event = await uow.events.update(event)
            await uow.commit()
        await self._after_commit.publish(_status_changed(event, previous))
        return event

    async def cancel_event(self, *, actor: Principal, event_id: int) -> Event:
        """Cancel a draft or published event: every live reservation is cancelled and its holder
        told by e-mail. Organizer only."""
        now = self._clock.now()
        async with self._uow() as uow:
            event = await managed_event(uow.events, actor, event_id, lock=True)
            previous = event.move_to(EventStatus.CANCELLED, now)
            event = await uow.events.update(event)
            cancelled = await uow.spots.cancel_live(event.id, now)
            metrics = self._after_commit.metrics_changed(event, Tally())
            await uow.commit()
        await self._after_commit.publish(_status_changed(event, previous), metrics)
        await self._after_commit.mail(
            [r.user_id for r in cancelled],
            subject=f"Cancelled: {event.title}",
            body=f"The event {event.title} ({event.starts_at:%Y-%m-%d %H:%M} UTC) was cancelled, "
            "and your reservation with it.",
        )
        return event

    async def metrics(self, *, actor: Principal | None, event_id: int) -> EventMetrics:
        """The event's live figures (drafts: organizer only)."""
        async with self._uow() as uow:
            event = await visible_event(uow.events, actor, event_id)
            tally = await uow.spots.tally(event.id)
        return EventMetrics.of(event, tally)


def _status_changed(event: Event, previous: EventStatus) -> EventStatusChanged:
    return EventStatusChanged(event_id=event.id, status=event.status.value, previous_status=previous.value)
