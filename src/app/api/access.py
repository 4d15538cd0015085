"""Around every connection, before routing: the edge's rules (``app.api.edge``), its request id, its
access line, and its metrics.

A request keeps the id its client sent in ``X-Request-ID`` when that is sane (1 to 128 letters,
digits and ``.-_:/+=``), else gets a new one; the id is answered in ``X-Request-ID`` and stamped on
every log line written while the request is served (a context variable). When it is answered, one
access line gives the client, method, path (secrets redacted), status and duration, and the request
is counted by its route template (``/api/events/{event_id:int}/``), never by its raw path, so ids do
not multiply the series. Sockets are counted open while they are served, under their route template.

This runs outside routing, so requests that match no route (404, 405) are logged and counted too
(route ``<unmatched>``). Socket frames pass untouched: a socket costs two gauge updates in all.
"""

from __future__ import annotations

import logging
import os
import re
from time import perf_counter
from typing import Any

from litestar import Litestar
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from app.api.edge import Edge
from app.api.security_headers import with_nosniff
from app.log_redaction import redact
from app.observability import metrics
from app.observability.logs import REQUEST_ID

access_logger = logging.getLogger("app.access")
UNMATCHED = "<unmatched>"
_SANE_ID = re.compile(rb"[A-Za-z0-9._:/+=-]{1,128}")
_HEADER = b"x-request-id"
# Any token is a method to the HTTP parser: others are counted as OTHER, so clients cannot mint series.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_id_of(scope: Scope) -> str:
    """The client's ``X-Request-ID`` when it is sane, else a new random id."""
    for name, value in scope["headers"]:
        if name == _HEADER:
            if _SANE_ID.fullmatch(value):
                return value.decode("ascii")
            break
    return os.urandom(16).hex()  # 32 hex digits, random like a UUID4, at a fifth of uuid4's cost


class RequestContext:
    """Serves one connection with the edge's rules, its request id, access line and metrics (see
    the module), as the one layer around the app: every HTTP response also gets
    ``X-Content-Type-Options: nosniff`` here (``app.api.security_headers``)."""

    def __init__(self, *, access_log: bool, edge: Edge | None = None) -> None:
        self._access_log = access_log
        self._edge = edge or Edge()

    async def http(self, scope: HTTPScope, receive: Receive, send: Send, app: ASGIApp) -> None:
        request_id = request_id_of(scope)
        reset = REQUEST_ID.set(request_id)
        started = perf_counter()
        status = 500
        stamp = (_HEADER, request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = with_nosniff([*message.get("headers", ()), stamp])
            await send(message)

        try:
            if not self._edge.active or await self._edge.admit(scope, send_with_id):
                await app(scope, receive, send_with_id)
        finally:
            duration = perf_counter() - started
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            metrics.observe_request(method, scope.get("path_template") or UNMATCHED, status, duration)
            if self._access_log and access_logger.isEnabledFor(logging.INFO):
                self._log(scope, scope["method"], status, duration, scope["method"])
            REQUEST_ID.reset(reset)

    async def admit(self, scope: Scope, send: Send) -> bool:
        """Whether the edge's rules let a socket through (else it has answered it)."""
        return not self._edge.active or await self._edge.admit(scope, send)

    def socket(self, scope: Scope, send: Send) -> SocketVisit:
        """Start serving a socket: its request id is set; end it with ``SocketVisit.end``."""
        return SocketVisit(self, scope, send)

    def socket_closed(self, scope: Scope, duration_s: float) -> None:
        """A socket's access line, once its handler is done."""
        if self._access_log and access_logger.isEnabledFor(logging.INFO):
            self._log(scope, "WebSocket", "closed", duration_s, "WEBSOCKET")

    def _log(self, scope: Scope, kind: str, status: int | str, duration_s: float, method: str) -> None:
        """One access line; the record is made here, which spares logging its search for the caller."""
        client = scope.get("client")
        address = f"{client[0]}:{client[1]}" if client else "-"
        duration_ms = round(duration_s * 1000, 2)
        target = _target(scope)
        request_line = f"{kind} {target}" if kind == "WebSocket" else f"{kind} {target} HTTP/{scope['http_version']}"
        fields = {
            "client": address,
            "method": method,
            "path": target,
            "route": scope.get("path_template") or UNMATCHED,
            "status": status,
            "duration_ms": duration_ms,
        }
        args = (address, request_line, status, duration_ms)
        record = access_logger.makeRecord(
            access_logger.name, logging.INFO, __file__, 0, _ACCESS_LINE, args, None, extra=fields
        )
        access_logger.handle(record)


_ACCESS_LINE = '%s - "%s" %s %.2fms'


class SocketVisit:
    """One socket served through the request context: counted open from its accept (routing gave
    the template by then) until ``end``. Only what the app sends is watched (``send``, the ASGI send
    the app gets): an idle socket waits in ``receive``, and nothing of this layer waits with it."""

    __slots__ = ("_context", "_reset", "_route", "_scope", "_started", "asgi_send")

    def __init__(self, context: RequestContext, scope: Scope, send: Send) -> None:
        self._context, self._scope, self.asgi_send = context, scope, send
        self._reset = REQUEST_ID.set(request_id_of(scope))
        self._started = perf_counter()
        self._route: str | None = None

    async def send(self, message: Message) -> None:
        if self._route is None and message["type"] == "websocket.accept":
            self._route = self._scope.get("path_template") or UNMATCHED
            metrics.socket_opened(self._route)
        await self.asgi_send(message)

    def end(self) -> None:
        """The socket's handler is done: counted closed, its access line written."""
        if self._route is not None:
            metrics.socket_closed(self._route)
        self._context.socket_closed(self._scope, perf_counter() - self._started)
        REQUEST_ID.reset(self._reset)


def _target(scope: Scope) -> str:
    query: bytes = scope.get("query_string", b"")
    path: str = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
    return redact(f"{path}?{query.decode('latin-1')}") if query else redact(path)


class ObservedLitestar(Litestar):
    """Litestar serving every HTTP and WebSocket connection through a :class:`RequestContext`."""

    request_context: RequestContext | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        context, kind = self.request_context, scope["type"]
        if context is None or kind == "lifespan":
            await super().__call__(scope, receive, send)
        elif kind == "http":
            await context.http(scope, receive, send, super().__call__)
        else:  # served in this frame, not one more below it: it stays for the socket's whole life
            visit = context.socket(scope, send)
            try:
                if await context.admit(scope, send):
                    await super().__call__(scope, receive, visit.send)
            finally:
                visit.end()
