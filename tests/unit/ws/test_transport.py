"""Frames built once for the wire, and written straight to a transport only when that is safe."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Litestar, Request, Response, WebSocket
from websockets.frames import Frame, Opcode

from app.api.access import RequestContext
from app.ws.connection import LeanWebSocket, socket_route
from app.ws.transport import DirectWriter, text_frame


def _parsed(data: bytes) -> Frame:
    """Parse ``data`` as the client does (websockets' own reader)."""
    from websockets.streams import StreamReader

    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    raise AssertionError("incomplete frame")


def test_text_frames_of_every_length_class_parse_as_sent() -> None:
    for size in (0, 125, 126, 65535, 65536):
        payload = b'"' + b"x" * max(0, size - 2) + b'"' if size >= 2 else b"1" * size
        frame = _parsed(text_frame(payload))
        assert (frame.opcode, frame.fin, frame.data) == (Opcode.TEXT, True, payload)


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


class FakeProtocol:
    """The attributes of uvicorn's sans-I/O WebSocket protocol that the writer reads."""

    def __init__(self) -> None:
        self.transport = FakeTransport()
        self.writable = asyncio.Event()
        self.writable.set()
        self.close_sent = self.disconnected = False
        self.handshake_complete = True

    async def send(self, message: Any) -> None:
        raise AssertionError("not used")


async def test_the_writer_writes_only_while_the_socket_is_open_and_keeps_up() -> None:
    protocol = FakeProtocol()
    writer = DirectWriter(protocol.send)
    assert writer.available and writer.write(b"one")
    protocol.writable.clear()  # the transport pushes back: the caller sends the slow way
    assert not writer.write(b"two")
    protocol.writable.set()
    protocol.close_sent = True
    assert not writer.write(b"three")
    assert protocol.transport.written == [b"one"]


async def test_any_other_send_is_never_written_to_directly() -> None:
    async def send(message: Any) -> None: ...

    writer = DirectWriter(send)
    assert not writer.available and not writer.write(b"x")


async def test_the_writer_finds_the_protocol_through_send_wrappers() -> None:
    protocol = FakeProtocol()

    def wrap(send: Any) -> Any:
        async def wrapped_send(message: Any) -> None:
            await send(message)

        return wrapped_send

    assert DirectWriter(wrap(wrap(protocol.send))).write(b"deep")
    assert protocol.transport.written == [b"deep"]


async def test_the_writer_finds_the_protocol_through_the_apps_own_wrappers() -> None:
    """The request context's socket counter and the app's ``LeanWebSocket`` keep the send they wrap."""
    protocol = FakeProtocol()
    scope: Any = {"type": "websocket", "path": "/ws", "headers": [], "state": {}}
    visit = RequestContext(access_log=False).socket(scope, protocol.send)
    try:

        async def receive() -> Any: ...

        socket = LeanWebSocket(scope, receive, visit.send)
        assert DirectWriter(socket.send).write(b"lean")
    finally:
        visit.end()
    assert protocol.transport.written == [b"lean"]


def test_a_socket_route_merges_its_exception_handlers_once() -> None:
    """Every connection of the route shares one map instead of keeping a merged copy of its own."""

    def refuse(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        return Response(None, status_code=400)

    @socket_route("/ws", exception_handlers={ValueError: refuse})
    async def handler(socket: WebSocket[Any, Any, Any]) -> None: ...

    Litestar([handler])
    first = handler.resolve_exception_handlers()
    assert first[ValueError] is refuse and handler.resolve_exception_handlers() is first
