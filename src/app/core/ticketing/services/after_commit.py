"""The step every ticketing use case ends with, after its commit: publish its changes (metrics
snapshots in commit order) and tell the people concerned by e-mail."""

from __future__ import annotations

import itertools
import logging
from collections import OrderedDict
from dataclasses import dataclass, field

from app.core.shared.domain_events import DomainEvent
from app.core.ticketing.domain_events import EventMetricsChanged
from app.core.ticketing.metrics import EventMetrics
from app.core.ticketing.model import Event
from app.core.ticketing.reservations import Reservation, Tally
from app.ports.mailer import Mail, Mailer
from app.ports.notifier import Notifier
from app.ports.ticketing import TicketingUnitOfWorkFactory

logger = logging.getLogger("app.ticketing")

TRACKED_METRICS_EVENTS = 4096  # how many events remember their last published metrics stamp
TICKET_URL = "/api/reservations/{reservation_id}/ticket/"  # the PDF ticket, given the public base URL


@dataclass(slots=True)
class Outcome:
    """What a use case leaves to do after its commit: changes to publish, confirmations to mail."""

    changes: list[DomainEvent] = field(default_factory=list)
    confirmed: list[Reservation] = field(default_factory=list)


class AfterCommit:
    """Publishes and mails after the commit, never before: a rolled-back change tells no one."""

    def __init__(
        self, *, uow: TicketingUnitOfWorkFactory, notifier: Notifier, mailer: Mailer, ticket_url: str = TICKET_URL
    ) -> None:
        """``ticket_url`` is the absolute link to a ticket, with a ``{reservation_id}`` placeholder."""
        self._uow, self._notifier, self._mailer = uow, notifier, mailer
        self._ticket_url = ticket_url
        self._stamps = itertools.count(1)
        # The last stamp published per event, for the most recently changed events only (bounded).
        self._published_stamps: OrderedDict[int, int] = OrderedDict()

    def metrics_changed(self, event: Event, tally: Tally) -> EventMetricsChanged:
        """The event's new figures, stamped in commit order (call under the event's lock)."""
        return EventMetricsChanged(metrics=EventMetrics.of(event, tally), stamp=next(self._stamps))

    async def publish(self, *changes: DomainEvent) -> None:
        """Publish, dropping a metrics snapshot that a newer one already overtook."""
        fresh: list[DomainEvent] = []
        for change in changes:
            if isinstance(change, EventMetricsChanged):
                if change.stamp <= self._published_stamps.get(change.event_id, 0):
                    continue
                self._published_stamps[change.event_id] = change.stamp
                self._published_stamps.move_to_end(change.event_id)
                if len(self._published_stamps) > TRACKED_METRICS_EVENTS:
                    self._published_stamps.popitem(last=False)
            fresh.append(change)
        await self._notifier.publish(*fresh)

    async def run(self, outcome: Outcome, *, event: Event) -> None:
        """Publish the outcome's changes, then mail every reservation it confirmed its ticket's link."""
        await self.publish(*outcome.changes)
        confirmed = f"Your reservation for {event.title} ({event.starts_at:%Y-%m-%d %H:%M} UTC) is confirmed."
        await self.mail_each(
            {
                r.user_id: f"{confirmed}\n\nYour ticket (PDF, open it signed in to Muster):\n"
                f"{self._ticket_url.format(reservation_id=r.id)}\n\nShow its QR code at the entrance."
                for r in outcome.confirmed
            },
            subject=f"Confirmed: {event.title}",
        )

    async def mail(self, user_ids: list[int], *, subject: str, body: str) -> None:
        """Tell users by e-mail, the same body to each."""
        await self.mail_each(dict.fromkeys(user_ids, body), subject=subject)

    async def mail_each(self, bodies: dict[int, str], *, subject: str) -> None:
        """Mail each user (by id) their own body. A failing mailer is logged, never raised: the
        change it reports is already stored."""
        if not bodies:
            return
        try:
            async with self._uow() as uow:
                people = await uow.people.get_many(list(bodies))
        except Exception:
            logger.exception("Could not load the recipients of %r", subject)
            return
        for person in people:
            try:
                await self._mailer.send(
                    Mail(to=person.email, subject=subject, body=f"Hello {person.name},\n\n{bodies[person.id]}\n")
                )
            except Exception as error:
                logger.warning("Could not send %r to user %s: %s", subject, person.id, error)
