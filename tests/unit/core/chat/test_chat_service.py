"""Chat use cases through fakes: every rule and refusal, and the events published after commit."""

from __future__ import annotations

import pytest

from app.core.chat.domain_events import (
    MemberJoined,
    MessageDeleted,
    MessageDelivered,
    MessageEdited,
    MessagePinned,
    MessagePosted,
    MessagesRead,
    UserStatusChanged,
    UserTyping,
)
from app.core.chat.errors import (
    AlreadyMemberError,
    CannotDeleteMessageError,
    CannotLeavePrivateChatError,
    ChatNotFoundError,
    ChatUserNotFoundError,
    ChatWithSelfError,
    EmptyMessageError,
    InvalidChatError,
    InvalidReadMarkerError,
    InvalidReplyError,
    MessageDeletedError,
    MessageNotFoundError,
    MessageTooLongError,
    NotAGroupError,
    NotAMemberError,
    NotARoomError,
    NotChatAdminError,
    NotMessageAuthorError,
    RoomNameTakenError,
    WrongPasswordError,
)
from app.core.chat.model import ChatKind
from app.core.chat.service import ChatService
from app.core.shared.paging import PageRequest
from app.core.shared.principal import Principal
from tests.builders import World, a_chat_service, a_user
from tests.fakes import FakePresenceTracker


async def test_private_chat_is_created_once_per_pair(chat: ChatService, ann: Principal, bob: Principal) -> None:
    first, created = await chat.open_private(actor=ann, user_id=bob.user_id)
    again, created_again = await chat.open_private(actor=bob, user_id=ann.user_id)
    assert (created, created_again) == (True, False)
    assert first.id == again.id and first.kind is ChatKind.PRIVATE


async def test_private_chat_is_refused_with_oneself_or_an_unknown_or_inactive_user(
    world: World, chat: ChatService, ann: Principal
) -> None:
    with pytest.raises(ChatWithSelfError):
        await chat.open_private(actor=ann, user_id=ann.user_id)
    with pytest.raises(ChatUserNotFoundError):
        await chat.open_private(actor=ann, user_id=999)
    ghost = a_user(world, "ghost", active=False)
    with pytest.raises(ChatUserNotFoundError):
        await chat.open_private(actor=ann, user_id=ghost.user_id)


async def test_group_creator_is_admin_and_members_are_seated(
    chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    group = await chat.create_group(actor=ann, title=" Climbers ", member_ids=[bob.user_id, ann.user_id, bob.user_id])
    detail = await chat.get_chat(actor=bob, chat_id=group.id)
    assert group.title == "Climbers"
    assert [(m.user_id, m.is_admin) for m in detail.members] == [(ann.user_id, True), (bob.user_id, False)]
    with pytest.raises(ChatNotFoundError):
        await chat.get_chat(actor=cat, chat_id=group.id)
    with pytest.raises(InvalidChatError):
        await chat.create_group(actor=ann, title="   ", member_ids=[])


async def test_only_group_admins_add_and_remove_others(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    group = await chat.create_group(actor=ann, title="g", member_ids=[bob.user_id])
    with pytest.raises(NotChatAdminError):
        await chat.add_member(actor=bob, chat_id=group.id, user_id=cat.user_id)
    await chat.add_member(actor=ann, chat_id=group.id, user_id=cat.user_id)
    assert MemberJoined(chat_id=group.id, user_id=cat.user_id) in world.notifier.published
    with pytest.raises(AlreadyMemberError):
        await chat.add_member(actor=ann, chat_id=group.id, user_id=cat.user_id)
    with pytest.raises(NotChatAdminError):
        await chat.remove_member(actor=bob, chat_id=group.id, user_id=cat.user_id)
    await chat.remove_member(actor=ann, chat_id=group.id, user_id=cat.user_id)
    with pytest.raises(ChatNotFoundError):
        await chat.get_chat(actor=cat, chat_id=group.id)


async def test_when_the_last_admin_leaves_the_longest_member_takes_over(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    group = await chat.create_group(actor=ann, title="g", member_ids=[bob.user_id])
    world.clock.advance(minutes=1)
    await chat.add_member(actor=ann, chat_id=group.id, user_id=cat.user_id)
    await chat.remove_member(actor=ann, chat_id=group.id, user_id=ann.user_id)
    detail = await chat.get_chat(actor=cat, chat_id=group.id)
    assert [(m.user_id, m.is_admin) for m in detail.members] == [(bob.user_id, True), (cat.user_id, False)]


async def test_private_chats_have_no_membership_changes(chat: ChatService, ann: Principal, bob: Principal) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    with pytest.raises(NotAGroupError):
        await chat.add_member(actor=ann, chat_id=private.id, user_id=bob.user_id)
    with pytest.raises(CannotLeavePrivateChatError):
        await chat.remove_member(actor=ann, chat_id=private.id, user_id=ann.user_id)


async def test_rooms_are_joined_with_their_password(chat: ChatService, ann: Principal, bob: Principal) -> None:
    room = await chat.create_room(actor=ann, name="Base", password="sesame")
    assert room.password_hash == "fake$sesame"
    with pytest.raises(RoomNameTakenError):
        await chat.create_room(actor=bob, name=" BASE ", password=None)
    with pytest.raises(NotAMemberError):
        await chat.post_message(actor=bob, chat_id=room.id, text="hi")
    for wrong in (None, "", "nope"):
        with pytest.raises(WrongPasswordError):
            await chat.join_room(actor=bob, chat_id=room.id, password=wrong)
    joined = await chat.join_room(actor=bob, chat_id=room.id, password="sesame")
    assert joined.me.user_id == bob.user_id and not joined.me.is_admin
    await chat.join_room(actor=bob, chat_id=room.id, password=None)  # already a member: no password asked
    rooms = await chat.list_rooms(actor=bob, search="bas", page=PageRequest())
    assert [(r.chat.id, r.member_count, r.is_member) for r in rooms.items] == [(room.id, 2, True)]


async def test_only_rooms_are_joined(chat: ChatService, ann: Principal, bob: Principal, cat: Principal) -> None:
    group = await chat.create_group(actor=ann, title="g", member_ids=[bob.user_id])
    with pytest.raises(NotARoomError):
        await chat.join_room(actor=bob, chat_id=group.id, password=None)
    with pytest.raises(ChatNotFoundError):
        await chat.join_room(actor=cat, chat_id=group.id, password=None)


async def test_members_post_and_the_event_follows_the_commit(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    message = await chat.post_message(actor=ann, chat_id=private.id, text="  hi  ")
    assert (message.text, message.sender_name) == ("hi", "ann")
    assert world.notifier.published[-1] == MessagePosted(message=message, seq=1)
    assert message.id in world.uow.store.messages  # stored before it was published
    with pytest.raises(ChatNotFoundError):
        await chat.post_message(actor=cat, chat_id=private.id, text="let me in")
    with pytest.raises(EmptyMessageError):
        await chat.post_message(actor=ann, chat_id=private.id, text=" \n ")
    with pytest.raises(MessageTooLongError):
        await chat.post_message(actor=ann, chat_id=private.id, text="x" * 4001)


async def test_a_reply_must_answer_a_message_of_the_same_chat(
    chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    other, _ = await chat.open_private(actor=ann, user_id=cat.user_id)
    question = await chat.post_message(actor=ann, chat_id=private.id, text="?")
    answer = await chat.post_message(actor=bob, chat_id=private.id, text="!", reply_to=question.id)
    assert answer.reply_to_id == question.id
    elsewhere = await chat.post_message(actor=ann, chat_id=other.id, text="x")
    for bad in (elsewhere.id, 999):
        with pytest.raises(InvalidReplyError):
            await chat.post_message(actor=bob, chat_id=private.id, text="!", reply_to=bad)


async def test_only_the_author_edits_a_live_message(
    world: World, chat: ChatService, ann: Principal, bob: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    message = await chat.post_message(actor=ann, chat_id=private.id, text="draft")
    with pytest.raises(NotMessageAuthorError):
        await chat.edit_message(actor=bob, message_id=message.id, text="mine now")
    world.clock.advance(minutes=5)
    edited = await chat.edit_message(actor=ann, message_id=message.id, text="final")
    assert edited.text == "final" and edited.edited_at == world.clock.now()
    assert world.notifier.published[-1] == MessageEdited(message=edited, seq=2)
    await chat.delete_message(actor=ann, message_id=message.id)
    with pytest.raises(MessageDeletedError):
        await chat.edit_message(actor=ann, message_id=message.id, text="back")


async def test_author_or_admin_deletes_leaving_a_tombstone(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    group = await chat.create_group(actor=ann, title="g", member_ids=[bob.user_id, cat.user_id])
    by_bob = await chat.post_message(actor=bob, chat_id=group.id, text="oops")
    with pytest.raises(CannotDeleteMessageError):
        await chat.delete_message(actor=cat, message_id=by_bob.id)
    tomb = await chat.delete_message(actor=ann, message_id=by_bob.id)
    assert tomb.deleted and tomb.text is None
    assert world.notifier.published[-1] == MessageDeleted(message=tomb, deleted_by=ann.user_id, seq=2)
    published = len(world.notifier.published)
    await chat.delete_message(actor=bob, message_id=by_bob.id)  # again: nothing changes
    assert len(world.notifier.published) == published
    page = await chat.history(actor=cat, chat_id=group.id, before=None, limit=10)
    assert [(m.id, m.deleted, m.text) for m in page.messages] == [(by_bob.id, True, None)]


async def test_a_site_admin_deletes_any_message_when_not_in_the_chat(
    world: World, chat: ChatService, ann: Principal, bob: Principal
) -> None:
    moderator = a_user(world, "mod", admin=True)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    message = await chat.post_message(actor=ann, chat_id=private.id, text="spam")

    tomb = await chat.delete_message(actor=moderator, message_id=message.id)

    assert tomb.deleted and tomb.text is None
    assert world.notifier.published[-1] == MessageDeleted(message=tomb, deleted_by=moderator.user_id, seq=2)
    page = await chat.history(actor=bob, chat_id=private.id, before=None, limit=10)
    assert [(m.id, m.deleted) for m in page.messages] == [(message.id, True)]
    with pytest.raises(MessageNotFoundError):
        await chat.delete_message(actor=moderator, message_id=999)


async def test_in_a_private_chat_only_the_author_deletes(chat: ChatService, ann: Principal, bob: Principal) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    message = await chat.post_message(actor=ann, chat_id=private.id, text="x")
    with pytest.raises(CannotDeleteMessageError):
        await chat.delete_message(actor=bob, message_id=message.id)


async def test_outsiders_do_not_learn_a_message_exists(
    chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    message = await chat.post_message(actor=ann, chat_id=private.id, text="x")
    for attempt in (
        chat.edit_message(actor=cat, message_id=message.id, text="y"),
        chat.delete_message(actor=cat, message_id=message.id),
        chat.pin_message(actor=cat, message_id=message.id, pinned=True),
        chat.edit_message(actor=ann, message_id=999, text="y"),
    ):
        with pytest.raises(MessageNotFoundError):
            await attempt


async def test_forward_needs_both_chats_and_names_the_origin(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    source, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    target = await chat.create_group(actor=ann, title="t", member_ids=[cat.user_id])
    original = await chat.post_message(actor=bob, chat_id=source.id, text="news")
    copy = await chat.forward_message(actor=ann, message_id=original.id, target_chat_id=target.id)
    assert (copy.chat_id, copy.text, copy.sender_id, copy.forwarded_from_id) == (
        target.id,
        "news",
        ann.user_id,
        original.id,
    )
    assert world.notifier.published[-1] == MessagePosted(message=copy, seq=1)
    again = await chat.forward_message(actor=cat, message_id=copy.id, target_chat_id=target.id)
    assert again.forwarded_from_id == original.id  # a forward of a forward names the first message
    with pytest.raises(ChatNotFoundError):
        await chat.forward_message(actor=bob, message_id=original.id, target_chat_id=target.id)
    with pytest.raises(MessageNotFoundError):
        await chat.forward_message(actor=cat, message_id=original.id, target_chat_id=target.id)
    await chat.delete_message(actor=bob, message_id=original.id)
    with pytest.raises(MessageDeletedError):
        await chat.forward_message(actor=ann, message_id=original.id, target_chat_id=target.id)


async def test_pins_private_by_anyone_group_by_admins(
    world: World, chat: ChatService, ann: Principal, bob: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    message = await chat.post_message(actor=ann, chat_id=private.id, text="x")
    pinned = await chat.pin_message(actor=bob, message_id=message.id, pinned=True)
    assert pinned.pinned_by == bob.user_id
    assert world.notifier.published[-1] == MessagePinned(message=pinned, pinned=True, by=bob.user_id, seq=2)
    assert [m.id for m in await chat.pins(actor=ann, chat_id=private.id)] == [message.id]
    await chat.pin_message(actor=ann, message_id=message.id, pinned=False)
    assert await chat.pins(actor=ann, chat_id=private.id) == []

    group = await chat.create_group(actor=ann, title="g", member_ids=[bob.user_id])
    in_group = await chat.post_message(actor=bob, chat_id=group.id, text="y")
    with pytest.raises(NotChatAdminError):
        await chat.pin_message(actor=bob, message_id=in_group.id, pinned=True)
    await chat.pin_message(actor=ann, message_id=in_group.id, pinned=True)
    with pytest.raises(NotChatAdminError):
        await chat.pin_message(actor=bob, message_id=in_group.id, pinned=False)


async def test_history_pages_walk_back_to_the_first_message(chat: ChatService, ann: Principal, bob: Principal) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    ids = [(await chat.post_message(actor=ann, chat_id=private.id, text=str(i))).id for i in range(5)]
    seen, before = [], None
    while True:
        page = await chat.history(actor=bob, chat_id=private.id, before=before, limit=2)
        seen += [m.id for m in page.messages]
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == ids[::-1]
    assert (await chat.history(actor=bob, chat_id=private.id, before=None, limit=500)).next_before is None


async def test_read_marker_moves_forward_only_and_unread_follows(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    sent = [await chat.post_message(actor=ann, chat_id=private.id, text=str(i)) for i in range(3)]
    [summary] = await chat.list_chats(actor=bob)
    assert summary.unread_count == 3 and summary.last_message is not None and summary.last_message.id == sent[-1].id
    state = await chat.mark_read(actor=bob, chat_id=private.id, last_read_message_id=sent[1].id)
    assert (state.last_read_message_id, state.unread_count) == (sent[1].id, 1)
    assert world.notifier.published[-1] == MessagesRead(
        chat_id=private.id, user_id=bob.user_id, last_read_message_id=sent[1].id
    )
    published = len(world.notifier.published)
    back = await chat.mark_read(actor=bob, chat_id=private.id, last_read_message_id=sent[0].id)
    assert back.last_read_message_id == sent[1].id and len(world.notifier.published) == published
    other, _ = await chat.open_private(actor=ann, user_id=cat.user_id)
    foreign = await chat.post_message(actor=ann, chat_id=other.id, text="x")
    with pytest.raises(InvalidReadMarkerError):
        await chat.mark_read(actor=bob, chat_id=private.id, last_read_message_id=foreign.id)


async def test_delivery_is_announced_once_per_user_and_message(
    world: World, chat: ChatService, ann: Principal, bob: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    message = await chat.post_message(actor=ann, chat_id=private.id, text="x")
    await chat.mark_delivered(user_id=bob.user_id, chat_id=private.id, message_id=message.id)
    await chat.mark_delivered(user_id=bob.user_id, chat_id=private.id, message_id=message.id)
    delivered = [e for e in world.notifier.published if isinstance(e, MessageDelivered)]
    assert delivered == [MessageDelivered(chat_id=private.id, user_id=bob.user_id, message_id=message.id)]


async def test_typing_is_for_members_and_not_stored(
    world: World, chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    commits = world.uow.commits
    await chat.set_typing(actor=ann, chat_id=private.id, is_typing=True)
    assert world.notifier.published[-1] == UserTyping(chat_id=private.id, user_id=ann.user_id, is_typing=True)
    assert world.uow.commits == commits
    with pytest.raises(ChatNotFoundError):
        await chat.set_typing(actor=cat, chat_id=private.id, is_typing=True)


async def test_search_only_looks_in_the_callers_chats(
    chat: ChatService, ann: Principal, bob: Principal, cat: Principal
) -> None:
    ours, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    theirs, _ = await chat.open_private(actor=bob, user_id=cat.user_id)
    hit = await chat.post_message(actor=ann, chat_id=ours.id, text="Base camp at noon")
    await chat.post_message(actor=cat, chat_id=theirs.id, text="base camp is mine")
    found = await chat.search(actor=ann, query="camp", chat_id=None, page=PageRequest())
    assert [m.id for m in found.items] == [hit.id]
    with pytest.raises(ChatNotFoundError):
        await chat.search(actor=ann, query="camp", chat_id=theirs.id, page=PageRequest())
    assert (await chat.search(actor=ann, query="  ", chat_id=None, page=PageRequest())).total == 0


async def test_presence_online_with_any_socket_offline_after_the_last(
    world: World, ann: Principal, bob: Principal
) -> None:
    presence = FakePresenceTracker(ttl_s=10)
    chat = a_chat_service(world, presence)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    welcome = await chat.open_socket(actor=bob, chat_id=private.id, connection_id="b1")
    assert welcome.online_user_ids == []  # Ann is not connected; Bob is not listed to himself
    assert (await chat.open_socket(actor=ann, chat_id=private.id, connection_id="a1")).online_user_ids == [bob.user_id]
    await chat.close_socket(user_id=ann.user_id, connection_id="a1")
    await chat.open_socket(actor=bob, chat_id=private.id, connection_id="b2")
    statuses = [e for e in world.notifier.published if isinstance(e, UserStatusChanged) and e.user_id == bob.user_id]
    assert statuses == [UserStatusChanged(user_id=bob.user_id, is_online=True, chat_ids=(private.id,))]
    published = len(world.notifier.published)
    await chat.close_socket(user_id=bob.user_id, connection_id="b1")  # b2 still open: nothing announced
    assert len(world.notifier.published) == published
    await chat.close_socket(user_id=bob.user_id, connection_id="b2")
    assert world.notifier.published[-1] == UserStatusChanged(
        user_id=bob.user_id, is_online=False, chat_ids=(private.id,)
    )


async def test_presence_expires_when_heartbeats_stop(world: World, ann: Principal, bob: Principal) -> None:
    presence = FakePresenceTracker(ttl_s=10)
    chat = a_chat_service(world, presence)
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    await chat.open_socket(actor=bob, chat_id=private.id, connection_id="b1")
    presence.now = 8
    assert await chat.keep_presence() == []  # renewed: alive until 18
    presence.now = 17
    assert await chat.keep_presence() == []
    presence.local.clear()  # the process holding the socket died: no more heartbeats
    presence.now = 40
    assert await chat.keep_presence() == [bob.user_id]
    assert world.notifier.published[-1] == UserStatusChanged(
        user_id=bob.user_id, is_online=False, chat_ids=(private.id,)
    )


async def test_sockets_are_for_members(chat: ChatService, ann: Principal, bob: Principal, cat: Principal) -> None:
    private, _ = await chat.open_private(actor=ann, user_id=bob.user_id)
    room = await chat.create_room(actor=ann, name="r", password=None)
    with pytest.raises(ChatNotFoundError):
        await chat.open_socket(actor=cat, chat_id=private.id, connection_id="c")
    with pytest.raises(NotAMemberError):
        await chat.open_socket(actor=cat, chat_id=room.id, connection_id="c")
