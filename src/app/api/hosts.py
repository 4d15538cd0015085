"""Refusing requests whose Host header is not an allowed host (any port)."""

from __future__ import annotations

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

_REFUSAL = msgspec.json.encode(
    {"status": 400, "code": "invalid_host", "detail": "The Host header names a host this server does not serve."}
)


def host_without_port(host: str) -> str:
    """``example.com:8000`` → ``example.com``; ``[::1]:8000`` → ``[::1]``."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class AllowedHosts:
    """ASGI middleware: ``*`` allows all, ``.example.com`` or ``*.example.com`` allows subdomains."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        self._app = app
        self._exact = {h.lower() for h in allowed_hosts if not h.startswith(("*.", "."))}
        self._suffixes = tuple("." + h.lstrip("*.").lower() for h in allowed_hosts if h.startswith(("*.", ".")))
        self._all = "*" in allowed_hosts

    def allows(self, host: str) -> bool:
        name = host_without_port(host.strip().lower())
        return (
            self._all or name in self._exact or name.endswith(self._suffixes) or name in {s[1:] for s in self._suffixes}
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._all:
            await self._app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if self.allows(host):
            await self._app(scope, receive, send)
        elif scope["type"] == ScopeType.WEBSOCKET:
            await send({"type": "websocket.close", "code": 1008, "reason": "invalid host"})
        else:
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(_REFUSAL)).encode())]
            start: HTTPResponseStartEvent = {"type": "http.response.start", "status": 400, "headers": headers}
            await send(start)
            body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": _REFUSAL, "more_body": False}
            await send(body)
