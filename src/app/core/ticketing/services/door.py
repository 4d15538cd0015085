"""Tickets and the door: render a confirmed reservation's PDF ticket, inspect a scanned ticket,
check it in once."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from app.core.shared.principal import Principal
from app.core.ticketing import checkin
from app.core.ticketing.errors import InvalidTicketError, NotConfirmedError
from app.core.ticketing.model import Event
from app.core.ticketing.reservations import Holder, Reservation, ReservationStatus
from app.core.ticketing.services.after_commit import AfterCommit
from app.core.ticketing.services.steps import holders, reservation_for
from app.core.ticketing.tickets import TicketDocument
from app.ports.clock import Clock
from app.ports.ticketing import TicketingUnitOfWork, TicketingUnitOfWorkFactory, TicketRenderer, TicketSigner


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


class DoorService:
    """Ticket and check-in use cases. One public method, one transaction; figures follow the commit."""

    def __init__(
        self,
        *,
        uow: TicketingUnitOfWorkFactory,
        clock: Clock,
        signer: TicketSigner,
        renderer: TicketRenderer,
        after_commit: AfterCommit,
    ) -> None:
        self._uow, self._clock, self._signer, self._renderer = uow, clock, signer, renderer
        self._after_commit = after_commit

    async def ticket(self, *, actor: Principal, reservation_id: int) -> RenderedTicket:
        """The PDF ticket of a confirmed reservation, for its holder or the event's organizer."""
        async with self._uow() as uow:
            reservation, event = await reservation_for(uow, actor, reservation_id)
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
            checkin.check_in(inspection.reservation, self._clock.now())
            await uow.reservations.update(inspection.reservation)
            tally = await uow.spots.tally(inspection.event.id)
            metrics = self._after_commit.metrics_changed(inspection.event, tally)
            await uow.commit()
        await self._after_commit.publish(metrics)
        return inspection


async def _inspection(
    uow: TicketingUnitOfWork, actor: Principal, reservation: Reservation | None, nonce: str
) -> TicketInspection:
    if reservation is None or not hmac.compare_digest(reservation.ticket_nonce, nonce):
        raise InvalidTicketError()
    event = await uow.events.get(reservation.event_id)
    if event is None:
        raise InvalidTicketError()
    event.ensure_managed_by(actor)
    return TicketInspection(reservation=reservation, event=event, holder=await _holder(uow, reservation.user_id))


async def _holder(uow: TicketingUnitOfWork, user_id: int) -> Holder:
    return (await holders(uow.people, [user_id]))[user_id]
