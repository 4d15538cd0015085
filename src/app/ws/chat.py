"""The chat socket ``/ws/chat/{chat_id}/`` (its frames in ``chat_frames``, its events' wire form in ``chat_wire``).

On connect a member gets the last 30 messages and who is online; then client frames (seed 002
names, and seed 004's bare ``{"message": "text"}``) drive the chat service, and the chat's events
come back as frames. Refused frames get an ``error`` frame; the socket stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import WebSocket
from litestar.di import NamedDependency
from litestar.params import FromPath

from app.core.accounts.service import AccountsService
from app.core.chat.errors import ChatNotFoundError, NotAMemberError
from app.core.chat.model import ChatKind
from app.core.chat.receipts import DeliveryReceipts, keeps_receipts
from app.core.chat.service import ChatService
from app.core.shared.bounds import id_in_range
from app.core.shared.errors import DomainError, UnavailableError
from app.core.shared.principal import Principal
from app.ports.notifier import Envelope
from app.ws.auth import authenticate_socket
from app.ws.chat_frames import (
    ClientFrame,
    DeleteFrame,
    EditFrame,
    ForwardFrame,
    PinFrame,
    ReadFrame,
    SendFrame,
    TypingFrame,
    parse_client_frame,
)
from app.ws.chat_wire import OUTBOUNDS, chat_channel, message_frame, presence_frame
from app.ws.connection import socket_route
from app.ws.frames import MAX_FRAME_BYTES, EventWire, error_frame
from app.ws.hub import ChannelHub
from app.ws.resume import answer_resume, connect_since, replay
from app.ws.session import FRAME_BURST, FRAME_RATE, FrameRateLimiter, LiveSocket

__all__ = ["OUTBOUNDS", "ChatSocketLimits", "ChatSockets", "chat_socket"]

logger = logging.getLogger("app.ws.chat")

NOT_A_MEMBER_CLOSE_CODE = 4403
NO_SUCH_CHAT_CLOSE_CODE = 4404
TRY_AGAIN_LATER_CLOSE_CODE = 1013  # RFC 6455 "Try Again Later": the database or Redis is away for now


@dataclass(frozen=True, slots=True)
class ChatSocketLimits:
    """How fast a client may send frames: ``rate`` per second on average, bursts of ``burst``."""

    rate: float = FRAME_RATE
    burst: int = FRAME_BURST


@dataclass(frozen=True, slots=True)
class ChatSockets:
    """What the chat sockets use, injected as one dependency: Litestar resolves several
    dependencies of a connection in a task group, which leaves task state behind on every socket."""

    accounts: AccountsService
    chat: ChatService
    hub: ChannelHub
    limits: ChatSocketLimits = ChatSocketLimits()


_WIRE = EventWire(OUTBOUNDS)  # replays rebuild change events into the envelopes they were published in


class MessageNotStoredError(DomainError):
    code = "message_not_stored"
    default_detail = "The message could not be stored; send it again."


class ChatFeed:
    """What one member's socket does with the chat's events: each message from someone else is
    noted for a (debounced) delivery receipt where the chat keeps them, and the member's own
    ``member_left`` ends the socket."""

    __slots__ = ("_actor", "_chat", "_chat_id", "_in_history", "_live", "receipts")

    def __init__(self, live: LiveSocket, chat: ChatService, actor: Principal, chat_id: int, kind: ChatKind) -> None:
        self._live, self._chat, self._actor, self._chat_id = live, chat, actor, chat_id
        self.receipts: DeliveryReceipts | None = None
        self._in_history = 0  # the newest message the history frame held: not sent again live
        if keeps_receipts(kind):
            self.receipts = DeliveryReceipts(self._write_receipt)

    async def _write_receipt(self, message_id: int) -> None:
        await self._chat.mark_delivered(user_id=self._actor.user_id, chat_id=self._chat_id, message_id=message_id)

    def admit(self, envelope: Envelope) -> bool | None:
        """Decide at once about an event: each message is noted for its receipt; only the member's
        own ``member_left`` needs ``on_event``."""
        if envelope.kind == "message":
            if envelope.item_id <= self._in_history:
                return False  # stored after the position was read, so already in the history frame
            if self.receipts is not None and envelope.subject_id != self._actor.user_id:
                self.receipts.delivered(envelope.item_id)
        elif envelope.kind == "member_left" and envelope.subject_id == self._actor.user_id:
            return None
        return True

    async def on_event(self, envelope: Envelope) -> bool:
        """The member's own ``member_left``: sent, then the socket ends."""
        await self._live.send(envelope.frame)
        await self._removed()
        return False

    async def _removed(self) -> None:
        """The user left or was removed: this socket hears nothing more of the chat."""
        self._live.closed = True
        with contextlib.suppress(Exception):
            await self._live.socket.close(code=NOT_A_MEMBER_CLOSE_CODE, reason="not_a_member")

    async def read(self, since: int, up_to: int | None) -> list[Envelope] | None:
        """The chat's changes after ``since`` as the envelopes they were published in."""
        events = await self._chat.missed(actor=self._actor, chat_id=self._chat_id, since=since, up_to=up_to)
        if events is None:
            return None
        return [envelope for event in events if (envelope := _WIRE.envelope(event)) is not None]

    async def start(self, since: int | None, connection_id: str) -> None:
        """Send what the client must see first, then let live events through: with ``since``, the
        changes after it (else, or when out of reach, the last messages), and who is online (one
        ``presence`` frame, however large the chat)."""
        welcome = await self._chat.open_socket(actor=self._actor, chat_id=self._chat_id, connection_id=connection_id)
        floor = welcome.position
        resumed = await replay(self._live, since, self.read) if since is not None else None
        if resumed is None:
            history = [message_frame(m) for m in welcome.messages]
            self._in_history = welcome.messages[-1].id if welcome.messages else 0
            await self._live.send({"type": "history", "chat_id": self._chat_id, "seq": floor, "messages": history})
        else:
            floor = max(floor, resumed)
        await self._live.send(presence_frame(self._chat_id, welcome.online_user_ids))
        self._live.release(floor)


@socket_route("/ws/chat/{chat_id:int}/")
async def chat_socket(
    socket: WebSocket[Any, Any, Any],
    chat_id: FromPath[int],
    chat_sockets: NamedDependency[ChatSockets],
) -> None:
    """Live chat for members: ``history`` on connect (or, with ``?since=<seq>``, the changes missed
    after that position and a ``resume`` frame), then messages, typing, receipts and presence."""
    chat = chat_sockets.chat
    principal = await authenticate_socket(socket, chat_sockets.accounts)
    if principal is None:
        return
    await socket.accept()
    try:
        if not id_in_range(chat_id):
            raise ChatNotFoundError()
        kind = (await chat.check_member(actor=principal, chat_id=chat_id)).kind
    except (ChatNotFoundError, NotAMemberError) as error:
        code = NO_SUCH_CHAT_CLOSE_CODE if isinstance(error, ChatNotFoundError) else NOT_A_MEMBER_CLOSE_CODE
        await socket.close(code=code, reason=error.code)
        return
    except UnavailableError as error:
        await socket.close(code=TRY_AGAIN_LATER_CLOSE_CODE, reason=error.code)
        return
    live = LiveSocket(socket, chat_sockets.hub)
    feed = ChatFeed(live, chat, principal, chat_id, kind)
    connection_id = uuid.uuid4().hex
    await live.join(chat_channel(chat_id), admit=feed.admit, on_event=feed.on_event)
    try:
        try:
            await feed.start(await connect_since(live, socket), connection_id)
        except UnavailableError as error:
            await socket.close(code=TRY_AGAIN_LATER_CLOSE_CODE, reason=error.code)
            return
        handler = _FrameHandler(chat, principal, chat_id, live, feed)
        limiter = FrameRateLimiter(chat_sockets.limits.rate, chat_sockets.limits.burst)
        try:
            await live.serve(handler, max_frame_bytes=MAX_FRAME_BYTES, rate_limit=limiter)
        finally:
            await asyncio.shield(handler.settle())  # messages received before the client left are stored
    finally:
        live.closed = True
        await live.leave_all()
        with contextlib.suppress(Exception):
            if feed.receipts is not None:
                await asyncio.shield(feed.receipts.close())  # what this socket delivered is recorded
        with contextlib.suppress(Exception):
            await asyncio.shield(chat.close_socket(user_id=principal.user_id, connection_id=connection_id))


def _refused(error: DomainError, client_id: str | None) -> dict[str, Any]:
    """The ``error`` frame of a message that was not stored, naming it by its ``client_id``."""
    return {**error_frame(error), "frame": "message", "client_id": client_id}


class _FrameHandler:
    """Client frames of one socket, each one call of the chat service.

    Message frames are pipelined: the next frames are read while earlier messages are being stored,
    so back-to-back messages of a socket share a group commit. Their order holds (the chat's batches
    store messages in the order they were posted, and posts start in frame order); a refused message
    is answered with an ``error`` frame when its batch is done. Any other frame first waits for the
    messages sent before it, so it sees them stored.
    """

    MAX_IN_FLIGHT = 64
    __slots__ = ("_actor", "_chat", "_chat_id", "_feed", "_in_flight", "_live")

    def __init__(self, chat: ChatService, actor: Principal, chat_id: int, live: LiveSocket, feed: ChatFeed) -> None:
        self._chat, self._actor, self._chat_id, self._live, self._feed = chat, actor, chat_id, live, feed
        self._in_flight: list[asyncio.Task[None]] = []  # few at a time; a list is the lightest when idle

    async def __call__(self, raw: dict[str, Any]) -> dict[str, Any] | None:
        if raw.get("type") == "resume":
            await self.settle()
            await answer_resume(self._live, raw, self._feed.read)
            return None
        try:
            frame = parse_client_frame(raw)
        except DomainError as error:
            client_id = raw.get("client_id")
            if raw.get("type", "message") != "message" or not isinstance(client_id, str):
                raise
            return _refused(error, client_id)  # a message frame refused as written: say which one
        if isinstance(frame, SendFrame):
            while self._in_flight and self._in_flight[0].done():
                self._in_flight.pop(0)
            if len(self._in_flight) >= self.MAX_IN_FLIGHT:
                await self._in_flight.pop(0)
            self._in_flight.append(asyncio.create_task(self._post(frame)))
            return None
        await self.settle()
        return await self._other(frame)

    async def settle(self) -> None:
        """Wait until every message frame received so far is stored (or refused)."""
        while self._in_flight:
            await self._in_flight.pop(0)

    async def _post(self, frame: SendFrame) -> None:
        """Post one message frame; its ``message`` echo reaches the sender with everyone else's. A
        message that is not stored is answered with an ``error`` frame naming it by ``client_id``."""
        try:
            await self._chat.post_message(
                actor=self._actor,
                chat_id=self._chat_id,
                text=frame.text,
                reply_to=frame.reply_to,
                client_id=frame.client_id,
            )
        except Exception as error:  # the socket reads on, and the client hears of every message not stored
            if not isinstance(error, DomainError):
                logger.exception("could not post a message to chat %s", self._chat_id)
                error = MessageNotStoredError()
            await self._live.send(_refused(error, frame.client_id))

    async def _other(self, frame: ClientFrame) -> dict[str, Any] | None:
        chat, actor, chat_id = self._chat, self._actor, self._chat_id
        match frame:
            case TypingFrame():
                await chat.set_typing(actor=actor, chat_id=chat_id, is_typing=frame.is_typing)
            case ReadFrame():
                state = await chat.mark_read(
                    actor=actor, chat_id=chat_id, last_read_message_id=frame.last_read_message_id
                )
                return {"type": "unread", "chat_id": chat_id, "unread_count": state.unread_count}
            case ForwardFrame():
                copy = await chat.forward_message(
                    actor=actor, message_id=frame.message_id, target_chat_id=frame.target_chat_id
                )
                return {
                    "type": "forwarded",
                    "message_id": copy.id,
                    "target_chat_id": copy.chat_id,
                    "forwarded_from": copy.forwarded_from_id,
                }
            case EditFrame():
                await chat.edit_message(actor=actor, message_id=frame.message_id, text=frame.text)
            case DeleteFrame():
                await chat.delete_message(actor=actor, message_id=frame.message_id)
            case PinFrame():
                await chat.pin_message(actor=actor, message_id=frame.message_id, pinned=frame.pinned)
        return None
