"""Presence changes folded per user and announced once per chat and interval."""

from __future__ import annotations

import asyncio

from app.core.chat.domain_events import PresenceChanged, UserStatusChanged
from app.core.chat.presence import PresenceDigest, presence_events
from app.core.shared.principal import Principal
from tests.builders import World, a_chat_service, a_user


def test_the_digest_keeps_the_status_each_user_ends_with() -> None:
    digest = PresenceDigest()
    digest.record(1, is_online=True)
    digest.record(2, is_online=False)
    digest.record(2, is_online=True)  # went and came back: announced, as a snapshot may have shown them gone
    digest.record(3, is_online=False)
    digest.record(3, is_online=True)
    digest.record(3, is_online=False)
    assert digest.take() == {1: True, 2: True, 3: False}
    assert not digest
    assert digest.take() == {}


def test_few_changes_in_a_chat_stay_user_status_and_crowds_become_one_event() -> None:
    events = presence_events({1: True, 2: True, 3: False, 4: True}, {1: [10, 20], 2: [10], 3: [10, 20, 30], 4: [10]})
    assert events == [
        PresenceChanged(chat_id=10, online=(1, 2, 4), offline=(3,)),
        UserStatusChanged(user_id=1, is_online=True, chat_ids=(20,)),
        UserStatusChanged(user_id=3, is_online=False, chat_ids=(20, 30)),
    ]


async def test_a_crowd_connecting_within_an_interval_is_announced_once(world: World, ann: Principal) -> None:
    chat = a_chat_service(world, presence_interval_s=0.05)
    room = await chat.create_room(actor=ann, name="crowd", password=None)
    crowd = [a_user(world, f"u{i}") for i in range(5)]
    for person in crowd:
        await chat.join_room(actor=person, chat_id=room.id, password=None)
    published = len(world.notifier.published)
    await chat.open_socket(actor=crowd[0], chat_id=room.id, connection_id="c0")
    await asyncio.sleep(0.01)  # the first change goes out at once and opens the interval
    for i, person in enumerate(crowd[1:], start=1):
        await chat.open_socket(actor=person, chat_id=room.id, connection_id=f"c{i}")
    first = world.notifier.published[published:]
    assert first == [UserStatusChanged(user_id=crowd[0].user_id, is_online=True, chat_ids=(room.id,))]
    await asyncio.sleep(0.1)
    rest = world.notifier.published[published + 1 :]
    ids = tuple(sorted(p.user_id for p in crowd[1:]))
    assert rest == [PresenceChanged(chat_id=room.id, online=ids, offline=())]
