"""Resuming a chat from its change log, and debounced delivery receipts, through the fakes."""

from __future__ import annotations

import asyncio

import pytest

from app.core.chat import changes
from app.core.chat.domain_events import MessageDeleted, MessageEdited, MessagePinned, MessagePosted
from app.core.chat.model import ChatKind
from app.core.chat.receipts import DeliveryReceipts, keeps_receipts
from app.core.chat.service import ChatService
from app.core.shared.principal import Principal
from tests.builders import World


async def test_changes_are_numbered_per_chat_and_replayed_in_order_when_a_socket_resumes(
    world: World, chat: ChatService, ann: Principal, bob: Principal
) -> None:
    group = await chat.create_group(actor=ann, title="Crew", member_ids=[bob.user_id])
    other, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    first = await chat.post_message(actor=ann, chat_id=group.id, text="one")
    await chat.post_message(actor=bob, chat_id=other.id, text="elsewhere")  # another chat's own numbering
    welcome = await chat.open_socket(actor=bob, chat_id=group.id, connection_id="c1")
    assert welcome.position == 1

    second = await chat.post_message(actor=bob, chat_id=group.id, text="two")
    await chat.edit_message(actor=ann, message_id=first.id, text="one, edited")
    await chat.pin_message(actor=ann, message_id=second.id, pinned=True)
    await chat.delete_message(actor=bob, message_id=second.id)

    published = [e for e in world.notifier.published if getattr(getattr(e, "message", None), "chat_id", 0) == group.id]
    assert [getattr(e, "seq", None) for e in published] == [1, 2, 3, 4, 5]
    missed = await chat.missed(actor=bob, chat_id=group.id, since=welcome.position)
    assert missed is not None
    assert [(type(e), e.seq, e.message.id) for e in missed] == [
        (MessagePosted, 2, second.id),
        (MessageEdited, 3, first.id),
        (MessagePinned, 4, second.id),
        (MessageDeleted, 5, second.id),
    ]
    edited = missed[1]
    assert isinstance(edited, MessageEdited) and edited.message.text == "one, edited"
    pinned = missed[2]
    assert isinstance(pinned, MessagePinned) and (pinned.pinned, pinned.by) == (True, ann.user_id)
    assert await chat.missed(actor=bob, chat_id=group.id, since=5) == []
    up_to_three = await chat.missed(actor=bob, chat_id=group.id, since=1, up_to=3)
    assert [e.seq for e in up_to_three or []] == [2, 3]


async def test_a_position_never_given_or_too_far_behind_is_not_recoverable(
    chat: ChatService, ann: Principal, bob: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    for n in range(4):
        await chat.post_message(actor=ann, chat_id=private.id, text=f"m{n}")
    assert await chat.missed(actor=bob, chat_id=private.id, since=5) is None  # a position from the future
    monkeypatch.setattr(changes, "MAX_REPLAY", 2)
    monkeypatch.setattr("app.core.chat.services.messages.MAX_REPLAY", 2)
    assert await chat.missed(actor=bob, chat_id=private.id, since=0) is None  # 4 missed, more than 2
    assert [e.seq for e in await chat.missed(actor=bob, chat_id=private.id, since=2) or []] == [3, 4]


def test_rooms_keep_no_receipts_private_chats_and_groups_do() -> None:
    assert [keeps_receipts(kind) for kind in ChatKind] == [kind is not ChatKind.ROOM for kind in ChatKind]


async def test_a_burst_costs_one_receipt_write_per_window_and_closing_writes_the_rest() -> None:
    writes: list[int] = []

    async def write(message_id: int) -> None:
        writes.append(message_id)

    receipts = DeliveryReceipts(write, interval_s=0.05)
    for message_id in range(1, 51):  # a burst of 50 messages inside one window
        receipts.delivered(message_id)
    receipts.delivered(7)  # older: changes nothing
    await asyncio.sleep(0.1)
    assert writes == [50]
    receipts.delivered(51)
    receipts.delivered(52)
    await receipts.close()  # before the window ends: written at once
    assert writes == [50, 52]
    receipts.delivered(53)
    await asyncio.sleep(0.1)
    assert writes == [50, 52]  # closed: nothing more


async def test_a_failing_receipt_write_is_logged_and_the_socket_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    async def write(message_id: int) -> None:
        raise RuntimeError("database away")

    receipts = DeliveryReceipts(write, interval_s=0.01)
    receipts.delivered(3)
    await asyncio.sleep(0.05)
    await receipts.close()
    assert "could not record delivery up to message 3" in caplog.text
