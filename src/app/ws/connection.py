"""The app's WebSocket connection and route: Litestar's, keeping less for every open socket.

Litestar's ``WebSocket`` guards its ASGI ``receive`` and ``send`` with a closure each (tracking
the connection state, refusing to send once the client left), and each closure keeps its cells for
as long as the socket is open. ``LeanWebSocket`` does the same with two methods and keeps the
callables it guards in slots: the behaviour is Litestar's, the socket a few hundred bytes lighter.

Litestar also merges a route's exception handlers into a new map for every connection, which a
socket keeps in its state while open; ``socket_route`` (Litestar's ``websocket`` decorator) merges
them once.
"""

from __future__ import annotations

from typing import Any

from litestar import WebSocket
from litestar.connection.websocket import DISCONNECT_MESSAGE
from litestar.exceptions import WebSocketDisconnect
from litestar.handlers import WebsocketRouteHandler
from litestar.types import ExceptionHandlersMap, Message, Receive, ReceiveMessage, Send


class LeanWebSocket(WebSocket[Any, Any, Any]):
    """A Litestar ``WebSocket`` whose ``receive`` and ``send`` are bound methods, not closures."""

    __slots__ = ("asgi_receive", "asgi_send")

    def receive_wrapper(self, receive: Receive) -> Receive:
        self.asgi_receive = receive
        return self._guarded_receive

    def send_wrapper(self, send: Send) -> Send:
        self.asgi_send = send
        return self._guarded_send

    async def _guarded_receive(self) -> ReceiveMessage:
        if self.connection_state == "disconnect":
            raise WebSocketDisconnect(detail=DISCONNECT_MESSAGE)
        message = await self.asgi_receive()
        kind = message["type"]
        if kind == "websocket.connect":
            self.connection_state = "connect"
        elif kind == "websocket.receive":
            self.connection_state = "receive"
        else:
            self.connection_state = "disconnect"
        return message

    async def _guarded_send(self, message: Message) -> None:
        if self.connection_state == "disconnect":
            raise WebSocketDisconnect(detail=DISCONNECT_MESSAGE)
        await self.asgi_send(message)


class socket_route(WebsocketRouteHandler):
    """Litestar's ``@websocket``, whose exception handlers are merged once and shared by every
    connection (they are read, never changed, while a connection is served)."""

    __slots__ = ("_exception_handlers",)
    _exception_handlers: ExceptionHandlersMap

    def resolve_exception_handlers(self) -> ExceptionHandlersMap:
        try:
            return self._exception_handlers
        except AttributeError:
            self._exception_handlers = super().resolve_exception_handlers()
            return self._exception_handlers
