"""Ticketing use cases, one service per job: ``EventService`` (ticketed events), ``BookingService``
(reservations and the waiting list) and ``DoorService`` (tickets and check-in). All three end with
the same ``AfterCommit`` step, which ``ticketing_services`` shares between them."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.ticketing.services.after_commit import TICKET_URL, AfterCommit
from app.core.ticketing.services.booking import BookingService
from app.core.ticketing.services.door import DoorService
from app.core.ticketing.services.events import EventService
from app.ports.clock import Clock
from app.ports.mailer import Mailer
from app.ports.notifier import Notifier
from app.ports.ticketing import TicketingUnitOfWorkFactory, TicketRenderer, TicketSigner


@dataclass(frozen=True, slots=True)
class TicketingServices:
    events: EventService
    booking: BookingService
    door: DoorService
    after_commit: AfterCommit


def ticketing_services(
    *,
    uow: TicketingUnitOfWorkFactory,
    notifier: Notifier,
    mailer: Mailer,
    clock: Clock,
    signer: TicketSigner,
    renderer: TicketRenderer,
    ticket_url: str = TICKET_URL,
) -> TicketingServices:
    """The three ticketing services over one after-commit step (metrics are stamped in commit order
    across all of them); ``ticket_url`` is the link to a ticket that confirmation mails carry."""
    after_commit = AfterCommit(uow=uow, notifier=notifier, mailer=mailer, ticket_url=ticket_url)
    return TicketingServices(
        events=EventService(uow=uow, clock=clock, after_commit=after_commit),
        booking=BookingService(uow=uow, clock=clock, signer=signer, after_commit=after_commit),
        door=DoorService(uow=uow, clock=clock, signer=signer, renderer=renderer, after_commit=after_commit),
        after_commit=after_commit,
    )


__all__ = ["AfterCommit", "BookingService", "DoorService", "EventService", "TicketingServices", "ticketing_services"]
