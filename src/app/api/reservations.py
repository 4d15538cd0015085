"""Reservations endpoints: reserve, list, cancel, decide, download the ticket."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_200_OK
from litestar.types import ControllerRouterHandler

from app.api.idempotency import IdempotencyKey
from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.ticketing import ReservationOut, ReservationStatusName
from app.core.shared.principal import Principal
from app.core.ticketing.reservations import ReservationStatus
from app.core.ticketing.services import BookingService, DoorService

StatusFilter = Annotated[ReservationStatusName | None, QueryParameter(description="Only reservations of this status.")]


class EventReservationController(Controller):
    path = "/api/events/{event_id:int}/reservations"
    tags = ["reservations"]

    @post("/", operation_id="Reserve")
    async def reserve(
        self,
        event_id: FromPath[int],
        principal: NamedDependency[Principal],
        booking: NamedDependency[BookingService],
        idempotency_key: IdempotencyKey = None,
    ) -> ReservationOut:
        """Reserve a spot: ``confirmed`` while spots are left, else ``waitlisted`` with a
        ``position``; ``pending`` when the event requires approval. 409 ``already_reserved``,
        ``event_not_open``. A repeat with the same ``Idempotency-Key`` returns the first reservation."""
        reservation = await booking.reserve(actor=principal, event_id=event_id, idempotency_key=idempotency_key)
        return ReservationOut.of(reservation)

    @get("/", operation_id="ListEventReservations")
    async def list_for_event(
        self,
        request: Request[Any, Any, Any],
        event_id: FromPath[int],
        principal: NamedDependency[Principal],
        booking: NamedDependency[BookingService],
        status: StatusFilter = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[ReservationOut]:
        """The event's reservations with their holders (name, e-mail), for its organizer, optionally
        of one status."""
        page = await booking.event_reservations(
            actor=principal,
            event_id=event_id,
            status=ReservationStatus(status) if status else None,
            page=page_request(limit, offset),
        )
        return page_out(request, page, ReservationOut.of_held)


class ReservationController(Controller):
    path = "/api/reservations"
    tags = ["reservations"]

    @get("/", operation_id="ListMyReservations")
    async def mine(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        booking: NamedDependency[BookingService],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[ReservationOut]:
        """The caller's reservations, newest first; confirmed ones carry the ticket secret."""
        page = await booking.my_reservations(actor=principal, page=page_request(limit, offset))
        return page_out(request, page, ReservationOut.of)

    @get("/{reservation_id:int}/", operation_id="GetReservation")
    async def detail(
        self,
        reservation_id: FromPath[int],
        principal: NamedDependency[Principal],
        booking: NamedDependency[BookingService],
    ) -> ReservationOut:
        """One reservation, for its holder or the event's organizer."""
        return ReservationOut.of(await booking.get_reservation(actor=principal, reservation_id=reservation_id))

    @delete("/{reservation_id:int}/", operation_id="CancelReservation", status_code=HTTP_200_OK)
    async def cancel(
        self,
        reservation_id: FromPath[int],
        principal: NamedDependency[Principal],
        booking: NamedDependency[BookingService],
    ) -> ReservationOut:
        """Cancel (the holder); the freed spot goes to the first waitlisted reservation at once.
        Returns the cancelled reservation."""
        return ReservationOut.of(await booking.cancel_reservation(actor=principal, reservation_id=reservation_id))

    @post("/{reservation_id:int}/confirm/", operation_id="ConfirmReservation", status_code=HTTP_200_OK)
    async def confirm(
        self,
        reservation_id: FromPath[int],
        principal: NamedDependency[Principal],
        booking: NamedDependency[BookingService],
    ) -> ReservationOut:
        """Confirm a pending reservation (the event's organizer); 409 ``event_full``, ``not_pending``."""
        return ReservationOut.of(await booking.decide(actor=principal, reservation_id=reservation_id, approve=True))

    @post("/{reservation_id:int}/reject/", operation_id="RejectReservation", status_code=HTTP_200_OK)
    async def reject(
        self,
        reservation_id: FromPath[int],
        principal: NamedDependency[Principal],
        booking: NamedDependency[BookingService],
    ) -> ReservationOut:
        """Reject a pending reservation (the event's organizer); 409 ``not_pending``."""
        return ReservationOut.of(await booking.decide(actor=principal, reservation_id=reservation_id, approve=False))

    @get("/{reservation_id:int}/ticket/", operation_id="DownloadTicket", media_type="application/pdf")
    async def ticket(
        self,
        reservation_id: FromPath[int],
        principal: NamedDependency[Principal],
        door: NamedDependency[DoorService],
    ) -> Response[bytes]:
        """The PDF ticket of a confirmed reservation (holder or organizer), with a QR code of the
        signed ticket secret; 409 ``not_confirmed`` otherwise."""
        ticket = await door.ticket(actor=principal, reservation_id=reservation_id)
        return Response(
            ticket.content,
            media_type=ticket.media_type,
            headers={"Content-Disposition": f'attachment; filename="{ticket.filename}"'},
        )


ROUTES: list[ControllerRouterHandler] = [EventReservationController, ReservationController]
