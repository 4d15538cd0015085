"""Storage of events and reservations, ticket signing and ticket rendering."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from app.core.shared.paging import Page, PageRequest
from app.core.ticketing.model import Event, EventFilter
from app.core.ticketing.reservations import Reservation, ReservationStatus, Tally
from app.core.ticketing.tickets import TicketClaim, TicketDocument
from app.ports.uow import Transaction
from app.ports.users import UserDirectory


class EventRepository(Protocol):
    """Events by id; ``get_for_update`` locks the row until the unit of work ends."""

    async def add(self, event: Event) -> Event: ...

    async def get(self, event_id: int) -> Event | None: ...

    async def get_for_update(self, event_id: int) -> Event | None:
        """Load an event and lock it: every reservation change of one event goes through this lock."""
        ...

    async def update(self, event: Event) -> Event: ...

    async def list(self, event_filter: EventFilter, page: PageRequest) -> Page[Event]:
        """Events matching the filter, soonest first."""
        ...


class ReservationRepository(Protocol):
    """Reservations; at most one live (pending, confirmed or waitlisted) per user and event."""

    async def add_many(self, reservations: list[Reservation]) -> list[Reservation]:
        """Store new reservations in order (ids follow it); raises ``AlreadyReservedError`` when a
        user already holds a live reservation of the event, and an ``ItemRefusedError`` when the
        database refuses an item (``MissingReferenceError``: the holder is gone; ``DuplicateKeyError``:
        the holder's idempotency key is taken for the event)."""
        ...

    async def by_idempotency_key(
        self, event_id: int, keys: list[tuple[int, str]]
    ) -> dict[tuple[int, str], Reservation]:
        """The event's reservations stored under these ``(user_id, idempotency_key)`` keys, by key."""
        ...

    async def get(self, reservation_id: int) -> Reservation | None: ...

    async def get_for_update(self, reservation_id: int) -> Reservation | None: ...

    async def live_holders(self, event_id: int, user_ids: list[int]) -> set[int]:
        """Which of these users hold a pending, confirmed or waitlisted reservation of the event."""
        ...

    async def update(self, reservation: Reservation) -> Reservation: ...

    async def list_for_event(
        self, event_id: int, status: ReservationStatus | None, page: PageRequest
    ) -> Page[Reservation]: ...

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Reservation]: ...


class SpotRepository(Protocol):
    """An event's spots as a whole: counts by status, the waiting list, releasing every spot at once."""

    async def tally(self, event_id: int) -> Tally: ...

    async def tallies(self, event_ids: list[int]) -> dict[int, Tally]: ...

    async def waitlist_head(self, event_id: int, count: int) -> list[Reservation]:
        """The first ``count`` waitlisted reservations, by position (call under the event lock)."""
        ...

    async def shift_waitlist(self, event_id: int, *, after_position: int, by: int) -> None:
        """Move every waitlisted reservation behind ``after_position`` forward by ``by`` places."""
        ...

    async def cancel_live(self, event_id: int, now: datetime) -> list[Reservation]:
        """Cancel every live reservation of the event; returns them as they are now."""
        ...


class TicketSigner(Protocol):
    """Signs ticket secrets so that a guessed or altered one is refused before any lookup."""

    def sign(self, reservation_id: int, nonce: str) -> str: ...

    def verify(self, secret: str) -> TicketClaim:
        """The claim of a well-signed secret; raises ``InvalidTicketError`` otherwise."""
        ...


class TicketRenderer(Protocol):
    """Renders a ticket document (PDF with a QR code of the secret)."""

    media_type: str

    async def render(self, ticket: TicketDocument) -> bytes: ...


class EventOrganizers(Protocol):
    """Which organizations organize an event (the event directory's table, written with the event)."""

    async def set_organizations(self, event_id: int, organization_ids: Sequence[int]) -> None:
        """Make exactly these organizations the event's organizers."""
        ...

    async def known_organization_ids(self, organization_ids: Sequence[int]) -> set[int]:
        """Which of these ids name an existing organization."""
        ...


class TicketingUnitOfWork(Transaction, Protocol):
    """What the ticketing use cases see in one transaction."""

    @property
    def events(self) -> EventRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def spots(self) -> SpotRepository: ...

    @property
    def event_directory(self) -> EventOrganizers: ...

    @property
    def people(self) -> UserDirectory: ...


TicketingUnitOfWorkFactory = Callable[[], TicketingUnitOfWork]
