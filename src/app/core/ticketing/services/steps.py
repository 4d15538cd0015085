"""Steps several ticketing use cases share: load an event and check who may see or manage it, find
a reservation for its holder or organizer, name the holders, fill free spots from the waiting list."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.core.shared.principal import Principal
from app.core.ticketing.domain_events import ReservationPromoted
from app.core.ticketing.errors import EventNotFoundError, ReservationNotFoundError
from app.core.ticketing.model import Event
from app.core.ticketing.reservations import Holder, Reservation, Tally, free_spots
from app.core.ticketing.services.after_commit import Outcome
from app.ports.ticketing import EventRepository, TicketingUnitOfWork
from app.ports.users import UserDirectory


async def load_event(events: EventRepository, event_id: int, *, lock: bool = False) -> Event:
    """The event (locked until the unit of work ends with ``lock``), or ``event_not_found``."""
    event = await (events.get_for_update(event_id) if lock else events.get(event_id))
    if event is None:
        raise EventNotFoundError()
    return event


async def visible_event(
    events: EventRepository, actor: Principal | None, event_id: int, *, lock: bool = False
) -> Event:
    """An event the actor may see: drafts only for their organizer (others get ``event_not_found``)."""
    event = await load_event(events, event_id, lock=lock)
    event.ensure_visible_to(actor)
    return event


async def managed_event(events: EventRepository, actor: Principal, event_id: int, *, lock: bool = False) -> Event:
    """An event the actor organizes (``not_event_owner`` for others, ``event_not_found`` for drafts)."""
    event = await load_event(events, event_id, lock=lock)
    event.ensure_managed_by(actor)
    return event


async def reservation_for(uow: TicketingUnitOfWork, actor: Principal, reservation_id: int) -> tuple[Reservation, Event]:
    """A reservation its holder or its event's organizer may see; anyone else gets 404."""
    reservation = await uow.reservations.get(reservation_id)
    event = await uow.events.get(reservation.event_id) if reservation else None
    if reservation is None or event is None:
        raise ReservationNotFoundError()
    if reservation.user_id != actor.user_id and not event.managed_by(actor):
        raise ReservationNotFoundError()
    return reservation, event


async def holders(people: UserDirectory, user_ids: list[int]) -> dict[int, Holder]:
    """The holders of reservations by user id (a deleted account shows without name or e-mail)."""
    found = {person.id: Holder(person.id, person.name, person.email) for person in await people.get_many(user_ids)}
    return {user_id: found.get(user_id, Holder(user_id, "", "")) for user_id in user_ids}


async def fill_free_spots(
    uow: TicketingUnitOfWork, event: Event, tally: Tally, now: datetime, outcome: Outcome
) -> Tally:
    """Promote the head of the waiting list into free spots (under the event lock)."""
    count = free_spots(event, tally)
    if count <= 0:
        return tally
    promoted = await uow.spots.waitlist_head(event.id, count)
    for reservation in promoted:
        reservation.confirm(now)
        await uow.reservations.update(reservation)
        outcome.confirmed.append(reservation)
        outcome.changes.append(
            ReservationPromoted(reservation_id=reservation.id, event_id=event.id, user_id=reservation.user_id)
        )
    await uow.spots.shift_waitlist(event.id, after_position=len(promoted), by=len(promoted))
    return replace(tally, confirmed=tally.confirmed + len(promoted), waitlisted=tally.waitlisted - len(promoted))
