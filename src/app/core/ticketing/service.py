"""Ticketing use cases: events, reservations with a waiting list, tickets, check-in, live metrics."""

from __future__ import annotations

import hmac
import itertools
import logging
import secrets
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from app.core.shared.batching import KeyedBatcher, Pending, Repeats
from app.core.shared.domain_events import DomainEvent
from app.core.shared.errors import AccountGoneError, DomainError
from app.core.shared.idempotency import check_key
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal
from app.core.ticketing.checkin import check_in as admit
from app.core.ticketing.domain_events import EventMetricsChanged, EventStatusChanged, ReservationPromoted
from app.core.ticketing.errors import (
    AlreadyReservedError,
    EventNotFoundError,
    InvalidTicketError,
    NotConfirmedError,
    ReservationNotFoundError,
)
from app.core.ticketing.metrics import EventMetrics, EventOverview
from app.core.ticketing.model import (
    Event,
    EventChanges,
    EventFilter,
    EventStatus,
    check_event_fields,
    ensure_organizer,
)
from app.core.ticketing.organizers import ensure_organizations_exist
from app.core.ticketing.reservations import (
    HeldReservation,
    Holder,
    Reservation,
    ReservationStatus,
    Tally,
    check_capacity_change,
    decide,
    free_spots,
    place,
)
from app.core.ticketing.tickets import TicketDocument
from app.ports.clock import Clock
from app.ports.mailer import Mail, Mailer
from app.ports.notifier import Notifier
from app.ports.ticketing import TicketRenderer, TicketSigner
from app.ports.uow import UnitOfWork, UnitOfWorkFactory

logger = logging.getLogger("app.ticketing")

PUBLISHED_ONLY = EventFilter(statuses=frozenset({EventStatus.PUBLISHED}))

TRACKED_METRICS_EVENTS = 4096  # how many events remember their last published metrics stamp


@dataclass(frozen=True, slots=True)
class RenderedTicket:
    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketInspection:
    """What a scanner shows: the reservation behind a ticket, its event and its holder."""

    reservation: Reservation
    event: Event
    holder: Holder


@dataclass(frozen=True, slots=True)
class _Request:
    """One reservation waiting for the next batch of its event (key already checked)."""

    actor: Principal
    idempotency_key: str | None

    @property
    def key(self) -> tuple[int, str] | None:
        return (self.actor.user_id, self.idempotency_key) if self.idempotency_key is not None else None


@dataclass(slots=True)
class _Outcome:
    """What a use case leaves to do after its commit."""

    events: list[DomainEvent]
    confirmed: list[Reservation]


class TicketingService:
    """Ticketing use cases. One public method, one transaction; events and mails follow the commit."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        notifier: Notifier,
        mailer: Mailer,
        clock: Clock,
        signer: TicketSigner,
        renderer: TicketRenderer,
    ) -> None:
        self._uow, self._notifier, self._mailer, self._clock = uow, notifier, mailer, clock
        self._signer, self._renderer = signer, renderer
        self._reservations: KeyedBatcher[_Request, Reservation] = KeyedBatcher(self._reserve_batch)
        self._stamps = itertools.count(1)
        # The last stamp published per event, for the most recently changed events only (bounded).
        self._published_stamps: OrderedDict[int, int] = OrderedDict()

    # Events

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
            event = await _visible_event(uow, actor, event_id)
        return event

    async def list_published(self, *, page: PageRequest, event_filter: EventFilter = PUBLISHED_ONLY) -> Page[Event]:
        """Published events, soonest first."""
        async with self._uow() as uow:
            return await uow.events.list(replace(event_filter, statuses=PUBLISHED_ONLY.statuses), page)

    async def list_own_events(self, *, actor: Principal, page: PageRequest) -> Page[EventOverview]:
        """The caller's events of every status, with their figures. Rules: organizers only."""
        ensure_organizer(actor)
        async with self._uow() as uow:
            events = await uow.events.list(EventFilter(owner_id=actor.user_id), page)
            tallies = await uow.reservations.tallies([e.id for e in events.items])
        items = [EventOverview(e, EventMetrics.of(e, tallies.get(e.id, Tally()))) for e in events.items]
        return Page(items=items, total=events.total, request=page)

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
            event = await _managed_event_for_update(uow, actor, event_id)
            tally = await uow.reservations.tally(event.id)
            if changes.capacity is not None:
                check_capacity_change(changes.capacity, tally)
            event.edit(changes)
            event = await uow.events.update(event)
            if organization_ids is not None:
                await ensure_organizations_exist(uow.event_directory, organization_ids)
                await uow.event_directory.set_organizations(event.id, organization_ids)
            outcome = _Outcome(events=[], confirmed=[])
            tally = await self._fill_free_spots(uow, event, tally, now, outcome)
            outcome.events.append(self._metrics_changed(event, tally))
            await uow.commit()
        await self._after_commit(outcome, event=event)
        return event

    async def publish_event(self, *, actor: Principal, event_id: int) -> Event:
        """``draft → published``; anything else is ``invalid_transition``. Organizer only."""
        async with self._uow() as uow:
            event = await _managed_event_for_update(uow, actor, event_id)
            previous = event.move_to(EventStatus.PUBLISHED, self._clock.now())
            event = await uow.events.update(event)
            await uow.commit()
        await self._publish(_status_changed(event, previous))
        return event

    async def cancel_event(self, *, actor: Principal, event_id: int) -> Event:
        """Cancel a draft or published event: every live reservation is cancelled and its holder
        told by e-mail. Organizer only."""
        now = self._clock.now()
        async with self._uow() as uow:
            event = await _managed_event_for_update(uow, actor, event_id)
            previous = event.move_to(EventStatus.CANCELLED, now)
            event = await uow.events.update(event)
            cancelled = await uow.reservations.cancel_live(event.id, now)
            metrics = self._metrics_changed(event, Tally())
            await uow.commit()
        await self._publish(_status_changed(event, previous), metrics)
        await self._mail(
            [r.user_id for r in cancelled],
            subject=f"Cancelled: {event.title}",
            body=f"The event {event.title} ({event.starts_at:%Y-%m-%d %H:%M} UTC) was cancelled, "
            "and your reservation with it.",
        )
        return event

    async def metrics(self, *, actor: Principal | None, event_id: int) -> EventMetrics:
        """The event's live figures (drafts: organizer only)."""
        async with self._uow() as uow:
            event = await _visible_event(uow, actor, event_id)
            tally = await uow.reservations.tally(event.id)
        return EventMetrics.of(event, tally)

    # Reservations

    async def reserve(self, *, actor: Principal, event_id: int, idempotency_key: str | None = None) -> Reservation:
        """Reserve a spot. Rules: the event is published and not started (``event_not_open``); one
        live reservation per user and event (``already_reserved``); confirmed while spots are left,
        else waitlisted last, in arrival order; pending when the event requires approval; the
        holder's account still exists (``account_gone``). A repeat with the same ``idempotency_key``
        by the same user returns the first reservation (a unique key, so concurrent repeats store one).

        Concurrent reservations of one event are served in batches (one transaction under the
        event's lock for every request that arrived meanwhile), in arrival order; each is answered
        as if it had been alone."""
        request = _Request(actor=actor, idempotency_key=check_key(idempotency_key))
        return self._reveal(await self._reservations.submit(event_id, request))

    async def _reserve_batch(self, event_id: Hashable, batch: list[Pending[_Request, Reservation]]) -> None:
        """Place a batch of reservations of one event, in order, in one transaction. Storage refusing
        an item raises, and the batcher isolates it."""
        assert isinstance(event_id, int)
        now = self._clock.now()
        placed: list[tuple[list[Pending[_Request, Reservation]], Reservation]] = []
        user_ids = sorted({p.request.actor.user_id for p in batch})
        keys = [p.request.key for p in batch if p.request.key is not None]
        async with self._uow() as uow:
            event = await uow.events.get_for_update(event_id)
            if event is None:
                raise EventNotFoundError()
            earlier = await uow.reservations.by_idempotency_key(event.id, keys) if keys else {}
            repeats: Repeats[tuple[int, str], _Request, Reservation] = Repeats(earlier)
            existing = {user.id for user in await uow.users.get_many(user_ids)}
            holders = await uow.reservations.live_holders(event.id, user_ids)
            tally = await uow.reservations.tally(event.id)
            for pending in batch:
                request, user_id = pending.request, pending.request.actor.user_id
                try:
                    event.ensure_visible_to(request.actor)
                    if user_id not in existing:
                        raise AccountGoneError()
                    if repeats.answered(request.key, pending):
                        continue
                    if user_id in holders:
                        raise AlreadyReservedError()
                    reservation = place(
                        event,
                        tally,
                        user_id=user_id,
                        nonce=secrets.token_urlsafe(12),
                        now=now,
                        idempotency_key=request.idempotency_key,
                    )
                except DomainError as error:
                    pending.fail(error)
                    continue
                holders.add(user_id)
                tally = tally.moved(None, reservation.status)
                placed.append((repeats.place(request.key, pending), reservation))
            stored = await uow.reservations.add_many([reservation for _, reservation in placed])
            metrics = self._metrics_changed(event, tally)
            await uow.commit()
        if stored:
            await self._publish(metrics)
        for (pendings, _), reservation in zip(placed, stored, strict=True):
            for pending in pendings:
                pending.resolve(replace(reservation))
        confirmed = [r for r in stored if r.status is ReservationStatus.CONFIRMED]
        await self._after_commit(_Outcome(events=[], confirmed=confirmed), event=event)

    async def my_reservations(self, *, actor: Principal, page: PageRequest) -> Page[Reservation]:
        """The caller's reservations, newest first, with the ticket secret of confirmed ones."""
        async with self._uow() as uow:
            found = await uow.reservations.list_for_user(actor.user_id, page)
        return Page(items=[self._reveal(r) for r in found.items], total=found.total, request=page)

    async def get_reservation(self, *, actor: Principal, reservation_id: int) -> Reservation:
        """One reservation, for its holder or the event's organizer."""
        async with self._uow() as uow:
            reservation, _ = await _reservation_for(uow, actor, reservation_id)
        return self._reveal(reservation) if reservation.user_id == actor.user_id else reservation

    async def cancel_reservation(self, *, actor: Principal, reservation_id: int) -> Reservation:
        """The holder cancels; a freed confirmed spot goes to the first waitlisted reservation at
        once, and the waiting list closes up. A checked-in reservation cannot be cancelled."""
        now = self._clock.now()
        async with self._uow() as uow:
            found = await uow.reservations.get(reservation_id)
            if found is None or not (found.user_id == actor.user_id or actor.is_admin):
                raise ReservationNotFoundError()
            event = await uow.events.get_for_update(found.event_id)
            reservation = await uow.reservations.get_for_update(reservation_id)
            if event is None or reservation is None:
                raise ReservationNotFoundError()
            tally = await uow.reservations.tally(event.id)
            position = reservation.position
            previous = reservation.cancel(now)
            reservation = await uow.reservations.update(reservation)
            tally = tally.moved(previous, None)
            if previous is ReservationStatus.WAITLISTED and position is not None:
                await uow.reservations.shift_waitlist(event.id, after_position=position, by=1)
            outcome = _Outcome(events=[], confirmed=[])
            tally = await self._fill_free_spots(uow, event, tally, now, outcome)
            outcome.events.insert(0, self._metrics_changed(event, tally))
            await uow.commit()
        await self._after_commit(outcome, event=event)
        return reservation

    async def event_reservations(
        self, *, actor: Principal, event_id: int, status: ReservationStatus | None, page: PageRequest
    ) -> Page[HeldReservation]:
        """The reservations of an event with their holders, for its organizer, optionally of one status."""
        async with self._uow() as uow:
            event = await _visible_event(uow, actor, event_id)
            event.ensure_managed_by(actor)
            found = await uow.reservations.list_for_event(event.id, status, page)
            holders = await _holders(uow, sorted({r.user_id for r in found.items}))
        items = [HeldReservation(r, holders[r.user_id]) for r in found.items]
        return Page(items=items, total=found.total, request=page)

    async def decide(self, *, actor: Principal, reservation_id: int, approve: bool) -> Reservation:
        """The organizer confirms a pending reservation (``event_full`` when no spot is left) or
        rejects it (``not_pending`` for any other status)."""
        now = self._clock.now()
        async with self._uow() as uow:
            found = await uow.reservations.get(reservation_id)
            event = await uow.events.get_for_update(found.event_id) if found else None
            if found is None or event is None or not event.managed_by(actor):
                raise ReservationNotFoundError()
            reservation = await uow.reservations.get_for_update(reservation_id)
            if reservation is None:
                raise ReservationNotFoundError()
            tally = await uow.reservations.tally(event.id)
            previous = reservation.status
            decide(event, tally, reservation, approve=approve, now=now)
            reservation = await uow.reservations.update(reservation)
            tally = tally.moved(previous, reservation.status if reservation.is_live else None)
            metrics = self._metrics_changed(event, tally)
            await uow.commit()
        confirmed = [reservation] if reservation.status is ReservationStatus.CONFIRMED else []
        await self._after_commit(_Outcome(events=[metrics], confirmed=confirmed), event=event)
        return reservation

    # Tickets and check-in

    async def ticket(self, *, actor: Principal, reservation_id: int) -> RenderedTicket:
        """The PDF ticket of a confirmed reservation, for its holder or the event's organizer."""
        async with self._uow() as uow:
            reservation, event = await _reservation_for(uow, actor, reservation_id)
            if reservation.status is not ReservationStatus.CONFIRMED:
                raise NotConfirmedError(reservation.status.value)
            holder = await _holder(uow, reservation.user_id)
        document = TicketDocument(
            reservation_id=reservation.id,
            event_title=event.title,
            starts_at=event.starts_at,
            location=event.location,
            holder_name=holder.name,
            holder_email=holder.email,
            secret=self._signer.sign(reservation.id, reservation.ticket_nonce),
        )
        content = await self._renderer.render(document)
        return RenderedTicket(content, self._renderer.media_type, f"ticket-{reservation.id}.pdf")

    async def inspect_ticket(self, *, actor: Principal, secret: str) -> TicketInspection:
        """What a scanned ticket stands for, without checking it in. Organizer of its event only;
        a forged or unknown secret is ``invalid_ticket``."""
        claim = self._signer.verify(secret)
        async with self._uow() as uow:
            reservation = await uow.reservations.get(claim.reservation_id)
            return await _inspection(uow, actor, reservation, claim.nonce)

    async def check_in(self, *, actor: Principal, secret: str) -> TicketInspection:
        """Let a ticket in, once. Rules: organizer of its event; forged or unknown →
        ``invalid_ticket``; not confirmed → ``not_confirmed``; a second scan → ``already_checked_in``
        with the first time (two scanners at once: the row locks let one through)."""
        claim = self._signer.verify(secret)
        async with self._uow() as uow:
            found = await uow.reservations.get(claim.reservation_id)
            if found is not None:  # the event first, then the reservation: the order every change locks in
                await uow.events.get_for_update(found.event_id)
            reservation = await uow.reservations.get_for_update(claim.reservation_id)
            inspection = await _inspection(uow, actor, reservation, claim.nonce)
            admit(inspection.reservation, self._clock.now())
            await uow.reservations.update(inspection.reservation)
            tally = await uow.reservations.tally(inspection.event.id)
            metrics = self._metrics_changed(inspection.event, tally)
            await uow.commit()
        await self._publish(metrics)
        return inspection

    # Helpers

    def _reveal(self, reservation: Reservation) -> Reservation:
        if reservation.status is ReservationStatus.CONFIRMED:
            reservation.ticket_secret = self._signer.sign(reservation.id, reservation.ticket_nonce)
        return reservation

    async def _fill_free_spots(
        self, uow: UnitOfWork, event: Event, tally: Tally, now: datetime, outcome: _Outcome
    ) -> Tally:
        """Promote the head of the waiting list into free spots (under the event lock)."""
        count = free_spots(event, tally)
        if count <= 0:
            return tally
        promoted = await uow.reservations.waitlist_head(event.id, count)
        for reservation in promoted:
            reservation.confirm(now)
            await uow.reservations.update(reservation)
            outcome.confirmed.append(reservation)
            outcome.events.append(
                ReservationPromoted(reservation_id=reservation.id, event_id=event.id, user_id=reservation.user_id)
            )
        await uow.reservations.shift_waitlist(event.id, after_position=len(promoted), by=len(promoted))
        return replace(tally, confirmed=tally.confirmed + len(promoted), waitlisted=tally.waitlisted - len(promoted))

    def _metrics_changed(self, event: Event, tally: Tally) -> EventMetricsChanged:
        """The event's new figures, stamped in commit order (call under the event's lock)."""
        return EventMetricsChanged(metrics=EventMetrics.of(event, tally), stamp=next(self._stamps))

    async def _publish(self, *events: DomainEvent) -> None:
        """Publish after the commit, dropping a metrics snapshot that a newer one already overtook."""
        fresh: list[DomainEvent] = []
        for event in events:
            if isinstance(event, EventMetricsChanged):
                if event.stamp <= self._published_stamps.get(event.event_id, 0):
                    continue
                self._published_stamps[event.event_id] = event.stamp
                self._published_stamps.move_to_end(event.event_id)
                if len(self._published_stamps) > TRACKED_METRICS_EVENTS:
                    self._published_stamps.popitem(last=False)
            fresh.append(event)
        await self._notifier.publish(*fresh)

    async def _after_commit(self, outcome: _Outcome, *, event: Event) -> None:
        await self._publish(*outcome.events)
        if outcome.confirmed:
            await self._mail(
                [r.user_id for r in outcome.confirmed],
                subject=f"Confirmed: {event.title}",
                body=f"Your reservation for {event.title} ({event.starts_at:%Y-%m-%d %H:%M} UTC) is confirmed. "
                "Download your ticket from the reservation's ticket link.",
            )

    async def _mail(self, user_ids: list[int], *, subject: str, body: str) -> None:
        """Tell users by e-mail, after the commit. A failing mailer is logged, never raised: the
        change it reports is already stored."""
        if not user_ids:
            return
        try:
            async with self._uow() as uow:
                users = await uow.users.get_many(user_ids)
        except Exception:
            logger.exception("Could not load the recipients of %r", subject)
            return
        for user in users:
            try:
                await self._mailer.send(Mail(to=user.email, subject=subject, body=f"Hello {user.name},\n\n{body}\n"))
            except Exception as error:
                logger.warning("Could not send %r to user %s: %s", subject, user.id, error)


def _status_changed(event: Event, previous: EventStatus) -> EventStatusChanged:
    return EventStatusChanged(event_id=event.id, status=event.status.value, previous_status=previous.value)


async def _visible_event(uow: UnitOfWork, actor: Principal | None, event_id: int) -> Event:
    event = await uow.events.get(event_id)
    if event is None:
        raise EventNotFoundError()
    event.ensure_visible_to(actor)
    return event


async def _managed_event_for_update(uow: UnitOfWork, actor: Principal, event_id: int) -> Event:
    event = await uow.events.get_for_update(event_id)
    if event is None:
        raise EventNotFoundError()
    event.ensure_managed_by(actor)
    return event


async def _reservation_for(uow: UnitOfWork, actor: Principal, reservation_id: int) -> tuple[Reservation, Event]:
    """A reservation its holder or its event's organizer may see; anyone else gets 404."""
    reservation = await uow.reservations.get(reservation_id)
    event = await uow.events.get(reservation.event_id) if reservation else None
    if reservation is None or event is None:
        raise ReservationNotFoundError()
    if reservation.user_id != actor.user_id and not event.managed_by(actor):
        raise ReservationNotFoundError()
    return reservation, event


async def _inspection(
    uow: UnitOfWork, actor: Principal, reservation: Reservation | None, nonce: str
) -> TicketInspection:
    if reservation is None or not hmac.compare_digest(reservation.ticket_nonce, nonce):
        raise InvalidTicketError()
    event = await uow.events.get(reservation.event_id)
    if event is None:
        raise InvalidTicketError()
    event.ensure_managed_by(actor)
    return TicketInspection(reservation=reservation, event=event, holder=await _holder(uow, reservation.user_id))


async def _holder(uow: UnitOfWork, user_id: int) -> Holder:
    return (await _holders(uow, [user_id]))[user_id]


async def _holders(uow: UnitOfWork, user_ids: list[int]) -> dict[int, Holder]:
    """The holders of reservations by user id (a deleted account shows without name or e-mail)."""
    found = {user.id: Holder(user.id, user.name, user.email) for user in await uow.users.get_many(user_ids)}
    return {user_id: found.get(user_id, Holder(user_id, "", "")) for user_id in user_ids}
