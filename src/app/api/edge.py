"""The rules every connection meets at the edge, before routing: the client's address behind
trusted proxies, then the allowed hosts (a refused host never reaches a handler).

Applied by ``RequestContext`` (``app.api.access``), the one layer around the app, so a rule that
is off (no trusted proxies, ``ALLOWED_HOSTS=*``) costs nothing at all, and no middleware frame waits
under every open socket. Ids in paths are checked once routing has found them: ``check_path_ids``,
the app's ``before_request`` (HTTP only; sockets check their own paths).
"""

from __future__ import annotations

from litestar.types import Scope, Send

from app.api.hosts import AllowedHosts
from app.api.proxies import TrustedProxies


class Edge:
    """``TrustedProxies`` and ``AllowedHosts``, in the order the rules need: the address first
    (what later code counts by), then the host."""

    def __init__(self, *, trusted: tuple[str, ...] = (), allowed_hosts: tuple[str, ...] = ("*",)) -> None:
        proxies, hosts = TrustedProxies(trusted), AllowedHosts(allowed_hosts)
        self._proxies = proxies if proxies.active else None
        self._hosts = hosts if hosts.active else None
        self.active = self._proxies is not None or self._hosts is not None  # else ``admit`` need not run

    async def admit(self, scope: Scope, send: Send) -> bool:
        """Apply the rules to an HTTP or WebSocket connection; False when it was refused (answered)."""
        if self._proxies is not None:
            self._proxies.rewrite(scope)
        if self._hosts is not None and not self._hosts.admits(scope):
            await self._hosts.refuse(scope, send)
            return False
        return True
