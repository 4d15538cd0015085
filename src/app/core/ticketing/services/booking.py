"""Reservations: reserve (in batches per event), list, show, cancel, and the organizer's decision on
pending ones; freed spots go to the waiting list at once."""

from __future__ import annotations

import secrets
from collections.abc import Hashable
from dataclasses import dataclass, replace

from app.core.shared.batching import KeyedBatcher, Pending, Repeats
from app.core.shared.errors import AccountGoneError, DomainError
from app.core.shared.idempotency import check_key
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal
from app.core.ticketing.errors import AlreadyReservedError, ReservationNotFoundError
from app.core.ticketing.reservations import HeldReservation, Reservation, ReservationStatus, decide, place
from app.core.ticketing.services.after_commit import AfterCommit, Outcome
from app.core.ticketing.services.steps import fill_free_spots, holders, load_event, reservation_for, visible_event
from app.ports.clock import Clock
from app.ports.ticketing import TicketingUnitOfWorkFactory, TicketSigner


@dataclass(frozen=True, slots=True)
class _Request:
    """One reservation waiting for the next batch of its event (key already checked)."""

    actor: Principal
    idempotency_key: str | None

    @property
    def key(self) -> tuple[int, str] | None:
        return (self.actor.user_id, self.idempotency_key) if self.idempotency_key is not None else None


class BookingService:
    """Reservation use cases. One public method, one transaction; changes and mails follow the commit."""

    def __init__(
        self, *, uow: TicketingUnitOfWorkFactory, clock: Clock, signer: TicketSigner, after_commit: AfterCommit
    ) -> None:
        self._uow, self._clock, self._signer, self._after_commit = uow, clock, signer, after_commit
        self._reservations: KeyedBatcher[_Request, Reservation] = KeyedBatcher(self._reserve_batch, kind="reservations")

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
            event = await load_event(uow.events, event_id, lock=True)
            earlier = await uow.reservations.by_idempotency_key(event.id, keys) if keys else {}
            repeats: Repeats[tuple[int, str], _Request, Reservation] = Repeats(earlier)
            existing = {person.id for person in await uow.people.get_many(user_ids)}
            live_holders = await uow.reservations.live_holders(event.id, user_ids)
            tally = await uow.spots.tally(event.id)
            for pending in batch:
                request, user_id = pending.request, pending.request.actor.user_id
                try:
                    event.ensure_visible_to(request.actor)
                    if user_id not in existing:
                        raise AccountGoneError()
                    if repeats.answered(request.key, pending):
                        continue
                    if user_id in live_holders:
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
                live_holders.add(user_id)
                tally = tally.moved(None, reservation.status)
                placed.append((repeats.place(request.key, pending), reservation))
            stored = await uow.reservations.add_many([reservation for _, reservation in placed])
            metrics = self._after_commit.metrics_changed(event, tally)
            await uow.commit()
        if stored:
            await self._after_commit.publish(metrics)
        for (pendings, _), reservation in zip(placed, stored, strict=True):
            for pending in pendings:
                pending.resolve(replace(reservation))
        confirmed = [r for r in stored if r.status is ReservationStatus.CONFIRMED]
        await self._after_commit.run(Outcome(confirmed=confirmed), event=event)

    async def my_reservations(self, *, actor: Principal, page: PageRequest) -> Page[Reservation]:
        """The caller's reservations, newest first, with the ticket secret of confirmed ones."""
        async with self._uow() as uow:
            found = await uow.reservations.list_for_user(actor.user_id, page)
        return found.with_items([self._reveal(r) for r in found.items])

    async def get_reservation(self, *, actor: Principal, reservation_id: int) -> Reservation:
        """One reservation, for its holder or the event's organizer."""
        async with self._uow() as uow:
            reservation, _ = await reservation_for(uow, actor, reservation_id)
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
            tally = await uow.spots.tally(event.id)
            position = reservation.position
            previous = reservation.cancel(now)
            reservation = await uow.reservations.update(reservation)
            tally = tally.moved(previous, None)
            if previous is ReservationStatus.WAITLISTED and position is not None:
                await uow.spots.shift_waitlist(event.id, after_position=position, by=1)
            outcome = Outcome()
            tally = await fill_free_spots(uow, event, tally, now, outcome)
            outcome.changes.insert(0, self._after_commit.metrics_changed(event, tally))
            await uow.commit()
        await self._after_commit.run(outcome, event=event)
        return reservation

    async def event_reservations(
        self, *, actor: Principal, event_id: int, status: ReservationStatus | None, page: PageRequest
    ) -> Page[HeldReservation]:
        """The reservations of an event with their holders, for its organizer, optionally of one status."""
        async with self._uow() as uow:
            event = await visible_event(uow.events, actor, event_id)
            event.ensure_managed_by(actor)
            found = await uow.reservations.list_for_event(event.id, status, page)
            named = await holders(uow.people, sorted({r.user_id for r in found.items}))
        items = [HeldReservation(r, named[r.user_id]) for r in found.items]
        return found.with_items(items)

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
            tally = await uow.spots.tally(event.id)
            previous = reservation.status
            decide(event, tally, reservation, approve=approve, now=now)
            reservation = await uow.reservations.update(reservation)
            tally = tally.moved(previous, reservation.status if reservation.is_live else None)
            metrics = self._after_commit.metrics_changed(event, tally)
            await uow.commit()
        confirmed = [reservation] if reservation.status is ReservationStatus.CONFIRMED else []
        await self._after_commit.run(Outcome(changes=[metrics], confirmed=confirmed), event=event)
        return reservation

    def _reveal(self, reservation: Reservation) -> Reservation:
        if reservation.status is ReservationStatus.CONFIRMED:
            reservation.ticket_secret = self._signer.sign(reservation.id, reservation.ticket_nonce)
        return reservation
