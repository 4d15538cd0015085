"""The chat list socket ``/ws/chats/``: one per signed-in page, so a user's chat list stays current.

It follows every chat of the user and the user's own channel, and passes on what a chat list needs:
each new ``message`` (for unread badges and last messages), the user's own ``read`` (a badge clears
on every tab), ``message_deleted``, and ``chat_added`` / ``member_joined`` / ``member_left`` of the
user (a chat appears or disappears, and is followed or dropped at once). Typing, presence and the
other receipts stay on the chat's own socket. Live only: after a reconnect a client refetches
``GET /api/chats/``, which holds the counters.
"""

from __future__ import annotations

from typing import Any

from litestar import WebSocket
from litestar.di import NamedDependency

from app.core.chat.service import ChatService
from app.core.shared.principal import Principal
from app.ports.notifier import Envelope
from app.ws.auth import authenticate_socket
from app.ws.channels import user_channel
from app.ws.chat import ChatSockets
from app.ws.chat_wire import chat_channel
from app.ws.connection import socket_route
from app.ws.frames import UnknownFrameError
from app.ws.session import FrameRateLimiter, LiveSocket

_CHAT_LIST_KINDS = frozenset({"message", "message_deleted"})
_JOINING_KINDS = frozenset({"chat_added", "member_joined"})


class ChatListFeed:
    """Which events of which chats one user's chat-list socket forwards."""

    def __init__(self, live: LiveSocket, chat: ChatService, actor: Principal) -> None:
        self._live, self._chat, self._actor = live, chat, actor

    async def start(self) -> None:
        """Follow the user's channel first, then each chat (no new chat slips between), then say
        which chats are followed and let events through."""
        await self._live.join(user_channel(self._actor.user_id), on_event=self._on_personal_event)
        chat_ids = await self._chat.chat_ids(actor=self._actor)
        for chat_id in chat_ids:
            await self._follow(chat_id)
        await self._live.send({"type": "chats", "user_id": self._actor.user_id, "chat_ids": chat_ids})
        self._live.release()

    async def handle(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        if frame.get("type", frame.get("action")) == "ping":
            return {"type": "pong"}
        raise UnknownFrameError()

    async def _follow(self, chat_id: int) -> None:
        await self._live.join(chat_channel(chat_id), on_event=self._on_chat_event)

    async def _on_personal_event(self, envelope: Envelope) -> bool:
        """A chat the user is now in: follow it, and say so once (``member_joined`` of a chat
        already followed was heard on the chat's channel)."""
        if envelope.kind not in _JOINING_KINDS:
            return False  # the user channel is shared with other contexts' sockets
        channel = chat_channel(envelope.scope_id)
        if channel in self._live.joined:
            return False
        await self._follow(envelope.scope_id)
        return True

    async def _on_chat_event(self, envelope: Envelope) -> bool:
        mine = envelope.subject_id == self._actor.user_id
        if envelope.kind == "member_left" and mine:
            await self._live.leave(chat_channel(envelope.scope_id))
            return True
        if envelope.kind in ("read", "member_joined"):
            return mine
        return envelope.kind in _CHAT_LIST_KINDS


@socket_route("/ws/chats/")
async def chat_list_socket(
    socket: WebSocket[Any, Any, Any],
    chat_sockets: NamedDependency[ChatSockets],
) -> None:
    """The caller's chat list, live: ``{"type": "chats", "user_id", "chat_ids"}`` on connect, then
    ``message``, ``message_deleted``, the caller's own ``read``, and ``chat_added``,
    ``member_joined``, ``member_left`` of the caller. ``{"type": "ping"}`` is answered with ``pong``."""
    principal = await authenticate_socket(socket, chat_sockets.accounts)
    if principal is None:
        return
    await socket.accept()
    live = LiveSocket(socket, chat_sockets.hub)
    feed = ChatListFeed(live, chat_sockets.chat, principal)
    try:
        await feed.start()
        await live.serve(feed.handle, rate_limit=FrameRateLimiter())
    finally:  # also when the client leaves before the frame loop starts
        await live.leave_all()
