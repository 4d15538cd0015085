"""Chat endpoints: private chats, groups and rooms, their members, messages, pins, read markers and search."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from litestar.types import ControllerRouterHandler

from app.api.bounds import id_query, text_query
from app.api.idempotency import IdempotencyKey
from app.api.limits import limited
from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.chat import (
    ChatCreate,
    ChatDetailOut,
    ChatListItemOut,
    ChatOut,
    GroupChatCreate,
    HistoryOut,
    MemberAdd,
    MemberOut,
    MessageCreate,
    MessageEdit,
    MessageForward,
    MessageOut,
    PrivateChatCreate,
    ReadMark,
    ReadStateOut,
    RoomCreate,
    RoomJoin,
    RoomOut,
)
from app.core.chat.model import ChatSummary
from app.core.chat.service import ChatService
from app.core.limits import Action
from app.core.shared.paging import Page
from app.core.shared.principal import Principal

Before = Annotated[int | None, id_query("Cursor: messages older than this id.")]
HistoryLimit = Annotated[int, QueryParameter(ge=1, le=100, description="Page size.")]
Search = Annotated[str | None, text_query("Part of the room name.")]
Query = Annotated[str, text_query("Words to find.", min_length=1)]
ChatFilter = Annotated[int | None, id_query("Only this chat.")]


class ChatController(Controller):
    path = "/api/chats"
    tags = ["chat"]

    @post("/", operation_id="CreateChat", guards=[limited(Action.CREATE_CHAT)])
    async def create(
        self, data: JSONBody[ChatCreate], principal: NamedDependency[Principal], chat: NamedDependency[ChatService]
    ) -> Response[ChatOut]:
        """Open the private chat with ``user_id`` (200 with the existing one if any), or create a group
        (the caller is its admin) or a room (listed; an optional password is stored hashed)."""
        if isinstance(data, PrivateChatCreate):
            opened, created = await chat.open_private(actor=principal, user_id=data.user_id)
            return Response(ChatOut.of(opened), status_code=HTTP_201_CREATED if created else HTTP_200_OK)
        if isinstance(data, GroupChatCreate):
            group = await chat.create_group(actor=principal, title=data.title, member_ids=list(data.member_ids))
            return Response(ChatOut.of(group), status_code=HTTP_201_CREATED)
        assert isinstance(data, RoomCreate)
        room = await chat.create_room(actor=principal, name=data.name, password=data.password)
        return Response(ChatOut.of(room), status_code=HTTP_201_CREATED)

    @get("/", operation_id="ListChats")
    async def list_chats(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[ChatListItemOut]:
        """The caller's chats, latest activity first, each with ``unread_count`` and ``last_message``."""
        summaries = await chat.list_chats(actor=principal)
        window = page_request(limit, offset)
        page: Page[ChatSummary] = Page(items=summaries[offset : offset + limit], total=len(summaries), request=window)
        return page_out(request, page, ChatListItemOut.of)

    @get("/{chat_id:int}/", operation_id="GetChat")
    async def detail(
        self, chat_id: FromPath[int], principal: NamedDependency[Principal], chat: NamedDependency[ChatService]
    ) -> ChatDetailOut:
        """A chat of the caller, with its members."""
        return ChatDetailOut.of_detail(await chat.get_chat(actor=principal, chat_id=chat_id))

    @post("/{chat_id:int}/members/", operation_id="AddChatMember")
    async def add_member(
        self,
        chat_id: FromPath[int],
        data: JSONBody[MemberAdd],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
    ) -> MemberOut:
        """A group admin adds a user (``not_chat_admin``, ``not_a_group``, ``already_member``)."""
        return MemberOut.of(await chat.add_member(actor=principal, chat_id=chat_id, user_id=data.user_id))

    @delete("/{chat_id:int}/members/{user_id:int}/", operation_id="RemoveChatMember")
    async def remove_member(
        self,
        chat_id: FromPath[int],
        user_id: FromPath[int],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
    ) -> None:
        """Leave a group or room (your own id), or, as a group admin, remove a member."""
        await chat.remove_member(actor=principal, chat_id=chat_id, user_id=user_id)

    @post("/{chat_id:int}/join/", operation_id="JoinRoom", status_code=HTTP_200_OK)
    async def join(
        self,
        chat_id: FromPath[int],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
        data: JSONBody[RoomJoin | None] = None,
    ) -> ChatDetailOut:
        """Join a room; ``{password}`` when it has one (403 ``wrong_password``)."""
        password = data.password if data is not None else None
        return ChatDetailOut.of_detail(await chat.join_room(actor=principal, chat_id=chat_id, password=password))

    @get("/{chat_id:int}/messages/", operation_id="ListMessages")
    async def history(
        self,
        chat_id: FromPath[int],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
        before: Before = None,
        limit: HistoryLimit = 30,
    ) -> HistoryOut:
        """Messages newest first. Pass ``next_before`` back as ``before`` for the older page (null at the start)."""
        page = await chat.history(actor=principal, chat_id=chat_id, before=before, limit=limit)
        return HistoryOut(results=[MessageOut.of(m) for m in page.messages], next_before=page.next_before)

    @post("/{chat_id:int}/messages/", operation_id="PostMessage", guards=[limited(Action.POST_MESSAGE)])
    async def post_message(
        self,
        chat_id: FromPath[int],
        data: JSONBody[MessageCreate],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
        idempotency_key: IdempotencyKey = None,
    ) -> MessageOut:
        """Post a message (members only); stored, then broadcast to the chat's sockets. A repeat with
        the same ``Idempotency-Key`` returns the first message, which echoes the key as ``client_id``."""
        message = await chat.post_message(
            actor=principal, chat_id=chat_id, text=data.text, reply_to=data.reply_to, client_id=idempotency_key
        )
        return MessageOut.of(message)

    @get("/{chat_id:int}/pins/", operation_id="ListPins")
    async def pins(
        self, chat_id: FromPath[int], principal: NamedDependency[Principal], chat: NamedDependency[ChatService]
    ) -> list[MessageOut]:
        """Pinned messages, last pinned first."""
        return [MessageOut.of(m) for m in await chat.pins(actor=principal, chat_id=chat_id)]

    @post("/{chat_id:int}/read/", operation_id="MarkRead", status_code=HTTP_200_OK)
    async def read(
        self,
        chat_id: FromPath[int],
        data: JSONBody[ReadMark],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
    ) -> ReadStateOut:
        """Move the caller's read marker forward; returns the unread count that is left."""
        state = await chat.mark_read(actor=principal, chat_id=chat_id, last_read_message_id=data.last_read_message_id)
        return ReadStateOut.of(state)


class RoomController(Controller):
    path = "/api/rooms"
    tags = ["chat"]

    @get("/", operation_id="ListRooms")
    async def list_rooms(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
        search: Search = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[RoomOut]:
        """Listed rooms by name, with ``?search=`` on the name."""
        page = await chat.list_rooms(actor=principal, search=search, page=page_request(limit, offset))
        return page_out(request, page, RoomOut.of)


class MessageController(Controller):
    path = "/api/messages"
    tags = ["chat"]

    @get("/search/", operation_id="SearchMessages")
    async def search(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
        q: Query,
        chat_id: ChatFilter = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[MessageOut]:
        """Find messages by words (prefixes match), newest first, only in the caller's chats."""
        page = await chat.search(actor=principal, query=q, chat_id=chat_id, page=page_request(limit, offset))
        return page_out(request, page, MessageOut.of)

    @patch("/{message_id:int}/", operation_id="EditMessage")
    async def edit(
        self,
        message_id: FromPath[int],
        data: JSONBody[MessageEdit],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
    ) -> MessageOut:
        """The author edits a message; ``edited_at`` is set."""
        return MessageOut.of(await chat.edit_message(actor=principal, message_id=message_id, text=data.text))

    @delete("/{message_id:int}/", operation_id="DeleteMessage")
    async def delete_message(
        self, message_id: FromPath[int], principal: NamedDependency[Principal], chat: NamedDependency[ChatService]
    ) -> None:
        """The author or a group admin deletes a message; a tombstone (``deleted: true``, no text) stays."""
        await chat.delete_message(actor=principal, message_id=message_id)

    @post("/{message_id:int}/forward/", operation_id="ForwardMessage", guards=[limited(Action.POST_MESSAGE)])
    async def forward(
        self,
        message_id: FromPath[int],
        data: JSONBody[MessageForward],
        principal: NamedDependency[Principal],
        chat: NamedDependency[ChatService],
    ) -> MessageOut:
        """Copy a message into another chat of the caller; the copy names ``forwarded_from``."""
        copy = await chat.forward_message(actor=principal, message_id=message_id, target_chat_id=data.chat_id)
        return MessageOut.of(copy)

    @post("/{message_id:int}/pin/", operation_id="PinMessage", status_code=HTTP_200_OK)
    async def pin(
        self, message_id: FromPath[int], principal: NamedDependency[Principal], chat: NamedDependency[ChatService]
    ) -> MessageOut:
        """Pin a message (any member of a private chat; an admin of a group or room)."""
        return MessageOut.of(await chat.pin_message(actor=principal, message_id=message_id, pinned=True))

    @delete("/{message_id:int}/pin/", operation_id="UnpinMessage", status_code=HTTP_200_OK)
    async def unpin(
        self, message_id: FromPath[int], principal: NamedDependency[Principal], chat: NamedDependency[ChatService]
    ) -> MessageOut:
        """Unpin a message (same rule as pinning)."""
        return MessageOut.of(await chat.pin_message(actor=principal, message_id=message_id, pinned=False))


ROUTES: list[ControllerRouterHandler] = [ChatController, RoomController, MessageController]
