"""The rules every request meets at the edge, as one ASGI middleware: the client's address behind
trusted proxies, the allowed hosts, and ids in paths within range.

One layer instead of three: each pure-ASGI layer costs a call, a coroutine and a frame on every
request, and a rule that is off (no trusted proxies, ``ALLOWED_HOSTS=*``, no path parameters) costs
nothing at all. The order is the one the rules need: the address first (what later code counts by),
then the host (a refused host never reaches a handler), then the path ids (HTTP only).
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from app.api.bounds import check_path_ids
from app.api.hosts import AllowedHosts
from app.api.proxies import TrustedProxies


class Edge:
    """ASGI middleware applying ``TrustedProxies``, ``AllowedHosts`` and ``check_path_ids``."""

    def __init__(self, app: ASGIApp, *, trusted: tuple[str, ...], allowed_hosts: tuple[str, ...]) -> None:
        self._app = app
        proxies, hosts = TrustedProxies(trusted), AllowedHosts(allowed_hosts)
        self._proxies = proxies if proxies.active else None
        self._hosts = hosts if hosts.active else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == ScopeType.HTTP or kind == ScopeType.WEBSOCKET:
            if self._proxies is not None:
                self._proxies.rewrite(scope)
            if self._hosts is not None and not self._hosts.admits(scope):
                await self._hosts.refuse(scope, send)
                return
            if kind == ScopeType.HTTP and scope.get("path_params"):
                check_path_ids(scope)
        await self._app(scope, receive, send)
