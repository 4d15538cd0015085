"""What a chat list is told through fakes: new chats reach their members, and private chats are
named after the other user."""

from __future__ import annotations

from app.core.chat.domain_events import ChatCreated
from app.core.chat.service import ChatService
from app.core.shared.principal import Principal
from tests.builders import World


def _created(world: World) -> list[ChatCreated]:
    return [event for event in world.notifier.published if isinstance(event, ChatCreated)]


async def test_a_new_private_chat_is_announced_to_both_users_once_when_it_is_made(
    world: World, chat: ChatService, ann: Principal, bob: Principal
) -> None:
    first, _ = await chat.open_private(actor=bob, user_id=ann.user_id)
    await chat.open_private(actor=ann, user_id=bob.user_id)  # the same chat again: nothing new

    assert _created(world) == [ChatCreated(chat_id=first.id, member_ids=(ann.user_id, bob.user_id))]


async def test_a_new_group_or_room_is_announced_to_everyone_in_it_when_it_is_made(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    group = await chat.create_group(actor=ann, title="Team", member_ids=[cat.user_id, bob.user_id])
    room = await chat.create_room(actor=bob, name="Lobby", password=None)

    assert _created(world) == [
        ChatCreated(chat_id=group.id, member_ids=(ann.user_id, bob.user_id, cat.user_id)),
        ChatCreated(chat_id=room.id, member_ids=(bob.user_id,)),
    ]


async def test_the_chat_list_names_the_other_user_of_a_private_chat_only_when_listed(
    chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    group = await chat.create_group(actor=ann, title="Team", member_ids=[cat.user_id])

    def peers(actor: Principal) -> dict[int, tuple[int, str] | None]:
        return {s.chat.id: (s.peer.id, s.peer.name) if s.peer else None for s in summaries[actor.user_id]}

    summaries = {who.user_id: await chat.list_chats(actor=who) for who in (ann, bob)}

    assert peers(ann) == {private.id: (bob.user_id, "bob"), group.id: None}
    assert peers(bob) == {private.id: (ann.user_id, "ann")}
    assert await chat.chat_ids(actor=cat) == [group.id]
