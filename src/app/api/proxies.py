"""The client's address behind reverse proxies, believed only from the proxies listed in TRUSTED_PROXIES."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from litestar.types import Scope

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_FORWARDED_FOR = re.compile(r'(?:^|[;,\s])for=("[^"]*"|[^;,\s]*)', re.IGNORECASE)


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """``10.0.0.0/8``, ``127.0.0.1`` or ``::1`` → networks; raises ValueError for anything else."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def _address(raw: str) -> str | None:
    """An address from a header entry (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, ``"[::1]"``), or None."""
    value = raw.strip().strip('"')
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class TrustedProxies:
    """When the peer is a trusted proxy, the client address becomes the one it forwarded
    (``Forwarded: for=``, else ``X-Forwarded-For``, else ``X-Real-IP``). The forwarded chain is read
    from the right, skipping trusted proxies, so a client cannot choose its address by sending the
    header itself. From any other peer the headers are ignored. Applied by ``app.api.edge.Edge``."""

    def __init__(self, trusted: tuple[str, ...]) -> None:
        self._networks = parse_networks(trusted)
        self.active = bool(self._networks)

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def client_of(self, peer: str, headers: dict[bytes, str]) -> str:
        """The address to treat as the client's for a request from ``peer``."""
        if not self.trusts(peer):
            return peer
        chain: list[str] = []
        if b"forwarded" in headers:
            chain = [match.group(1) for match in _FORWARDED_FOR.finditer(headers[b"forwarded"])]
        elif b"x-forwarded-for" in headers:
            chain = headers[b"x-forwarded-for"].split(",")
        elif b"x-real-ip" in headers:
            chain = [headers[b"x-real-ip"]]
        client = peer
        for raw in reversed(chain):
            address = _address(raw)
            if address is None:
                break
            client = address
            if not self.trusts(address):
                break
        return client

    def rewrite(self, scope: Scope) -> None:
        """Set ``scope["client"]`` to the forwarded client when the peer is trusted."""
        client = scope.get("client")
        if client:
            peer, port = client
            headers: dict[bytes, str] = {}
            for key, value in scope["headers"]:
                if key in (b"forwarded", b"x-forwarded-for", b"x-real-ip"):
                    text = value.decode("latin-1")
                    headers[key] = f"{headers[key]},{text}" if key in headers else text
            if headers:
                scope["client"] = (self.client_of(peer, headers), port)
