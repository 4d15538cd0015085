"""Batches isolate what PostgreSQL itself refuses: called on the services directly, so no edge
validation stands in front of the database. One poisoned item fails alone; the others are stored
and answered as if each had been alone. Idempotency keys hold across two service instances (two
server processes) through the unique indexes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.adapters.db.engine import create_session_factory
from app.adapters.db.models.chat import MessageModel
from app.adapters.db.models.ticketing import ReservationModel
from app.adapters.db.repositories.messages import SqlMessageRepository
from app.adapters.db.repositories.ticketing import SqlReservationRepository
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.bootstrap import Services
from app.core.chat.errors import NotAMemberError
from app.core.chat.model import Message
from app.core.chat.service import ChatService
from app.core.shared.errors import AccountGoneError, MissingReferenceError, UnstorableValueError
from app.core.shared.principal import Principal
from app.core.ticketing.model import Event, EventStatus
from app.core.ticketing.reservations import Reservation, ReservationStatus
from app.core.ticketing.services import BookingService, ticketing_services
from tests.fakes import (
    FakeTicketSigner,
    RecordingMailer,
    RecordingNotifier,
    RecordingTicketRenderer,
)
from tests.integration.db.test_chat_races import _chat, _people

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class CountingUow(SqlUnitOfWorkFactory):
    """The SQL unit of work, counting transactions (one per batch, or per part of a split batch)."""

    units = 0

    def __call__(self) -> Any:
        self.units += 1
        return super().__call__()


def _uow(services: Services) -> CountingUow:
    return CountingUow(create_session_factory(services.engine))


def _booking(services: Services, uow: CountingUow | None = None) -> BookingService:
    return ticketing_services(
        uow=uow or _uow(services),
        notifier=RecordingNotifier(),
        mailer=RecordingMailer(),
        clock=services.clock,
        signer=FakeTicketSigner(),
        renderer=RecordingTicketRenderer(),
    ).booking


async def _delete_user(services: Services, user_id: int) -> None:
    async with services.engine.begin() as connection:
        await connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": user_id})


async def _count(services: Services, model: Any) -> int:
    async with services.engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(model))).scalar_one())


async def _room(chat: ChatService, owner: Principal, members: list[Principal]) -> int:
    room = await chat.create_room(actor=owner, name="Burst", password=None)
    for member in members:
        await chat.join_room(actor=member, chat_id=room.id, password=None)
    return room.id


async def _event(services: Services, owner: Principal, capacity: int) -> Event:
    now = services.clock.now()
    async with SqlUnitOfWorkFactory(create_session_factory(services.engine))() as uow:
        event = await uow.events.add(
            Event(
                owner_id=owner.user_id,
                title="Hike",
                starts_at=now + timedelta(days=5),
                capacity=capacity,
                created_at=now,
                status=EventStatus.PUBLISHED,
                published_at=now,
            )
        )
        await uow.commit()
    return event


async def test_a_message_postgresql_refuses_fails_alone_in_a_burst_of_30(services: Services) -> None:
    people = await _people(services, 4)
    uow = _uow(services)
    chat = _chat(services, uow)
    room_id = await _room(chat, people[0], people[1:])
    before = uow.units
    posts = [chat.post_message(actor=people[n % 3], chat_id=room_id, text=f"good {n}") for n in range(30)]
    posts.insert(20, chat.post_message(actor=people[3], chat_id=room_id, text="bad\x00text"))

    results = await asyncio.gather(*posts, return_exceptions=True)

    assert isinstance(results.pop(20), UnstorableValueError)
    assert [r.text for r in results if isinstance(r, Message)] == [f"good {n}" for n in range(30)]
    assert [r.id for r in results if isinstance(r, Message)] == sorted(r.id for r in results if isinstance(r, Message))
    assert await _count(services, MessageModel) == 30
    # One batch, then about two transactions per halving to find the one at fault (31 → … → 1).
    assert uow.units - before == 1 + 2 * 5


async def test_a_sender_deleted_while_the_batch_is_stored_fails_alone(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = await _people(services, 4)
    chat = _chat(services)
    room_id = await _room(chat, people[0], people[1:])
    victim = people[3]
    store = SqlMessageRepository.add_messages

    async def delete_first(
        self: SqlMessageRepository, messages: list[Message], *, read_by_senders: bool
    ) -> list[Message]:
        if any(m.sender_id == victim.user_id for m in messages):  # committed by someone else, after our seat check
            await _delete_user(services, victim.user_id)
        return await store(self, messages, read_by_senders=read_by_senders)

    monkeypatch.setattr(SqlMessageRepository, "add_messages", delete_first)
    posts = [chat.post_message(actor=people[n % 3], chat_id=room_id, text=f"good {n}") for n in range(30)]
    posts.insert(5, chat.post_message(actor=victim, chat_id=room_id, text="from a deleted account"))

    results = await asyncio.gather(*posts, return_exceptions=True)

    # Served again on its own, it is answered as a lone request would be: no longer a member.
    assert isinstance(results.pop(5), (NotAMemberError, MissingReferenceError))
    assert [r.text for r in results if isinstance(r, Message)] == [f"good {n}" for n in range(30)]
    assert await _count(services, MessageModel) == 30


async def test_a_reservation_by_a_deleted_account_fails_alone_in_a_burst_of_30(services: Services) -> None:
    people = await _people(services, 32)
    booking = _booking(services)
    event = await _event(services, people[0], capacity=40)
    gone = people[31]
    await _delete_user(services, gone.user_id)  # its token would still be valid
    actors = [*people[1:16], gone, *people[16:31]]

    results = await asyncio.gather(
        *(booking.reserve(actor=a, event_id=event.id) for a in actors), return_exceptions=True
    )

    assert isinstance(results.pop(15), AccountGoneError)
    assert [r.status for r in results if isinstance(r, Reservation)] == [ReservationStatus.CONFIRMED] * 30
    assert await _count(services, ReservationModel) == 30


async def test_a_holder_deleted_while_the_batch_is_stored_fails_alone(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = await _people(services, 32)
    uow = _uow(services)
    booking = _booking(services, uow)
    event = await _event(services, people[0], capacity=20)
    victim = people[31]
    holders = SqlReservationRepository.live_holders
    deleted = False

    async def delete_after_the_check(self: SqlReservationRepository, event_id: int, user_ids: list[int]) -> set[int]:
        nonlocal deleted
        if victim.user_id in user_ids and not deleted:  # after the holders were checked, before the insert
            deleted = True
            await _delete_user(services, victim.user_id)
        return await holders(self, event_id, user_ids)

    monkeypatch.setattr(SqlReservationRepository, "live_holders", delete_after_the_check)
    actors = [*people[1:9], victim, *people[9:31]]

    results = await asyncio.gather(
        *(booking.reserve(actor=a, event_id=event.id) for a in actors), return_exceptions=True
    )

    refused = results.pop(8)
    assert isinstance(refused, (AccountGoneError, MissingReferenceError))
    placed = [r for r in results if isinstance(r, Reservation)]
    # Answered as if alone, in arrival order: the first 20 confirmed, the next 10 waitlisted 1..10.
    assert [(r.user_id, r.status, r.position) for r in placed] == [
        *((p.user_id, ReservationStatus.CONFIRMED, None) for p in people[1:21]),
        *((p.user_id, ReservationStatus.WAITLISTED, n) for n, p in enumerate(people[21:31], start=1)),
    ]
    assert await _count(services, ReservationModel) == 30


async def test_one_client_id_posted_through_two_instances_at_once_stores_one_message(services: Services) -> None:
    people = await _people(services, 2)
    one, two = _chat(services), _chat(services)  # two processes: two batchers, one database
    room_id = await _room(one, people[0], people[1:])

    for round_ in range(5):
        key = f"retry-{round_}"
        results = await asyncio.gather(
            *(
                (one if n % 2 else two).post_message(actor=people[0], chat_id=room_id, text="once", client_id=key)
                for n in range(6)
            ),
            *(two.post_message(actor=people[1], chat_id=room_id, text=f"other {n}") for n in range(4)),
        )
        assert len({m.id for m in results[:6]}) == 1 and results[0].client_id == key
    assert await _count(services, MessageModel) == 5 * (1 + 4)


async def test_one_idempotency_key_reserved_through_two_instances_at_once_stores_one(services: Services) -> None:
    people = await _people(services, 3)
    one, two = _booking(services), _booking(services)
    event = await _event(services, people[0], capacity=5)

    results = await asyncio.gather(
        *((one if n % 2 else two).reserve(actor=people[1], event_id=event.id, idempotency_key="k") for n in range(6)),
        two.reserve(actor=people[2], event_id=event.id, idempotency_key="k"),
    )

    assert len({r.id for r in results[:6]}) == 1 and results[6].id != results[0].id
    assert await _count(services, ReservationModel) == 2
