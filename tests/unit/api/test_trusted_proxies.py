"""Which address counts as the client's behind reverse proxies."""

from __future__ import annotations

import pytest

from app.api.proxies import TrustedProxies

PROXIES = TrustedProxies(("10.0.0.0/8", "::1"))


@pytest.mark.parametrize(
    ("peer", "headers", "client"),
    [
        ("203.0.113.9", {b"x-forwarded-for": "198.51.100.1"}, "203.0.113.9"),  # not a proxy: ignored
        ("10.0.0.2", {b"x-forwarded-for": "198.51.100.1"}, "198.51.100.1"),
        ("10.0.0.2", {b"x-forwarded-for": "6.6.6.6, 198.51.100.1, 10.0.0.3"}, "198.51.100.1"),  # rightmost untrusted
        ("10.0.0.2", {b"x-real-ip": "198.51.100.7"}, "198.51.100.7"),
        ("::1", {b"forwarded": 'for="[2001:db8::1]:4711";proto=https, for=10.0.0.5'}, "2001:db8::1"),
        ("10.0.0.2", {b"forwarded": "for=198.51.100.2", b"x-forwarded-for": "6.6.6.6"}, "198.51.100.2"),
        ("10.0.0.2", {b"x-forwarded-for": "198.51.100.1, not-an-address"}, "10.0.0.2"),
        ("10.0.0.2", {b"x-forwarded-for": "198.51.100.1:8080"}, "198.51.100.1"),
    ],
)
def test_client_address_is_read_from_the_right_when_the_peer_is_trusted(
    peer: str, headers: dict[bytes, str], client: str
) -> None:
    assert PROXIES.client_of(peer, headers) == client
