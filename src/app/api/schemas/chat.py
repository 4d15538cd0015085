"""Request and response bodies of the chat endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct, structs

from app.api.schemas.fields import PLAIN_TEXT, Id, RequestBody
from app.core.chat.model import Chat, ChatDetail, ChatMember, ChatSummary, Message, ReadState, RoomSummary

Title = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=150)]
Text = Annotated[str, PLAIN_TEXT, Meta(min_length=1, max_length=4000)]
RoomPassword = Annotated[str, Meta(min_length=1, max_length=128)]


class PrivateChatCreate(RequestBody, tag="private", tag_field="type"):
    user_id: Id


class GroupChatCreate(RequestBody, tag="group", tag_field="type"):
    title: Title
    member_ids: Annotated[list[Id], Meta(max_length=500)] = []


class RoomCreate(RequestBody, tag="room", tag_field="type"):
    name: Title
    password: RoomPassword | None = None


ChatCreate = PrivateChatCreate | GroupChatCreate | RoomCreate


class MemberAdd(RequestBody):
    user_id: Id


class RoomJoin(RequestBody):
    password: RoomPassword | None = None


class MessageCreate(RequestBody):
    text: Text
    reply_to: Id | None = None


class MessageEdit(RequestBody):
    text: Text


class MessageForward(RequestBody):
    chat_id: Id


class ReadMark(RequestBody):
    last_read_message_id: Id


class MessageOut(Struct):
    id: int
    message_id: int
    chat_id: int
    sender_id: int
    sender: str
    text: str | None
    reply_to: int | None
    forwarded_from: int | None
    created_at: datetime | None
    edited_at: datetime | None
    deleted: bool
    is_pinned: bool
    client_id: str | None = None

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(
            id=message.id,
            message_id=message.id,
            chat_id=message.chat_id,
            sender_id=message.sender_id,
            sender=message.sender_name,
            text=message.text,
            reply_to=message.reply_to_id,
            forwarded_from=message.forwarded_from_id,
            created_at=message.created_at,
            edited_at=message.edited_at,
            deleted=message.deleted,
            is_pinned=message.pinned,
            client_id=message.client_id,
        )


class MemberOut(Struct):
    user_id: int
    name: str
    is_admin: bool
    joined_at: datetime | None
    last_read_message_id: int

    @classmethod
    def of(cls, member: ChatMember) -> MemberOut:
        return cls(
            user_id=member.user_id,
            name=member.display_name,
            is_admin=member.is_admin,
            joined_at=member.joined_at,
            last_read_message_id=member.last_read_message_id,
        )


class ChatOut(Struct):
    id: int
    type: Literal["private", "group", "room"]
    title: str | None
    name: str | None
    has_password: bool
    created_by: int
    created_at: datetime | None

    @classmethod
    def of(cls, chat: Chat) -> ChatOut:
        return cls(
            id=chat.id,
            type=chat.kind.value,
            title=chat.title,
            name=chat.title if chat.kind.value == "room" else None,
            has_password=chat.has_password,
            created_by=chat.created_by,
            created_at=chat.created_at,
        )


class PeerOut(Struct):
    """The other user of a private chat."""

    id: int
    name: str


class ChatListItemOut(Struct):
    id: int
    type: Literal["private", "group", "room"]
    title: str | None
    unread_count: int
    last_read_message_id: int
    last_message: MessageOut | None
    peer: PeerOut | None = None

    @classmethod
    def of(cls, summary: ChatSummary) -> ChatListItemOut:
        return cls(
            id=summary.chat.id,
            type=summary.chat.kind.value,
            title=summary.chat.title,
            unread_count=summary.unread_count,
            last_read_message_id=summary.last_read_message_id,
            last_message=MessageOut.of(summary.last_message) if summary.last_message else None,
            peer=PeerOut(id=summary.peer.id, name=summary.peer.name) if summary.peer else None,
        )


class ChatDetailOut(ChatOut):
    members: list[MemberOut]
    is_admin: bool
    last_read_message_id: int

    @classmethod
    def of_detail(cls, detail: ChatDetail) -> ChatDetailOut:
        return cls(
            **structs.asdict(ChatOut.of(detail.chat)),
            members=[MemberOut.of(m) for m in detail.members],
            is_admin=detail.me.is_admin,
            last_read_message_id=detail.me.last_read_message_id,
        )


class RoomOut(Struct):
    id: int
    name: str | None
    has_password: bool
    member_count: int
    is_member: bool
    created_at: datetime | None

    @classmethod
    def of(cls, room: RoomSummary) -> RoomOut:
        return cls(
            id=room.chat.id,
            name=room.chat.title,
            has_password=room.chat.has_password,
            member_count=room.member_count,
            is_member=room.is_member,
            created_at=room.chat.created_at,
        )


class HistoryOut(Struct):
    results: list[MessageOut]
    next_before: int | None


class ReadStateOut(Struct):
    chat_id: int
    user_id: int
    last_read_message_id: int
    unread_count: int

    @classmethod
    def of(cls, state: ReadState) -> ReadStateOut:
        return cls(
            chat_id=state.chat_id,
            user_id=state.user_id,
            last_read_message_id=state.last_read_message_id,
            unread_count=state.unread_count,
        )
