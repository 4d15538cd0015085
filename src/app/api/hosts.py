"""Refusing requests whose Host header is not an allowed host (any port)."""

from __future__ import annotations

import msgspec
from litestar.enums import ScopeType
from litestar.types import HTTPResponseBodyEvent, HTTPResponseStartEvent, Scope, Send

_REFUSAL = msgspec.json.encode(
    {"status": 400, "code": "invalid_host", "detail": "The Host header names a host this server does not serve."}
)
_REFUSAL_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(_REFUSAL)).encode())]


def host_without_port(host: str) -> str:
    """``example.com:8000`` → ``example.com``; ``[::1]:8000`` → ``[::1]``."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class AllowedHosts:
    """``*`` allows all, ``.example.com`` or ``*.example.com`` allows subdomains. Applied by
    ``app.api.edge.Edge``."""

    def __init__(self, allowed_hosts: tuple[str, ...]) -> None:
        self._exact = {h.lower() for h in allowed_hosts if not h.startswith(("*.", "."))}
        self._suffixes = tuple("." + h.lstrip("*.").lower() for h in allowed_hosts if h.startswith(("*.", ".")))
        self._all = "*" in allowed_hosts
        self._bare_suffixes = {s[1:] for s in self._suffixes}
        self.active = not self._all

    def allows(self, host: str) -> bool:
        name = host_without_port(host.strip().lower())
        return self._all or name in self._exact or name.endswith(self._suffixes) or name in self._bare_suffixes

    def admits(self, scope: Scope) -> bool:
        """Whether the request's Host header names an allowed host."""
        return self.allows(next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), ""))

    @staticmethod
    async def refuse(scope: Scope, send: Send) -> None:
        """400 ``invalid_host`` on HTTP; close code 1008 on a socket."""
        if scope["type"] == ScopeType.WEBSOCKET:
            await send({"type": "websocket.close", "code": 1008, "reason": "invalid host"})
            return
        start: HTTPResponseStartEvent = {"type": "http.response.start", "status": 400, "headers": _REFUSAL_HEADERS}
        await send(start)
        body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": _REFUSAL, "more_body": False}
        await send(body)
