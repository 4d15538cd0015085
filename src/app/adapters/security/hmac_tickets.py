"""Ticket secrets signed with HMAC-SHA256 under a key derived from SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from app.core.ticketing.errors import InvalidTicketError
from app.core.ticketing.tickets import TicketClaim

PREFIX = "T1"
MAX_SECRET_LENGTH = 256
_NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def derive_key(secret_key: str, purpose: bytes = b"muster/ticket-signing/v1") -> bytes:
    """A key for ticket signing only, so no other signature can pass as a ticket."""
    return hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()


class HmacTicketSigner:
    """``T1.<reservation id>.<nonce>.<signature>``: the signature covers the id and the nonce, so a
    guessed or altered secret fails before any database lookup, and a stolen database cannot mint one."""

    def __init__(self, secret_key: str) -> None:
        self._key = derive_key(secret_key)

    def sign(self, reservation_id: int, nonce: str) -> str:
        payload = f"{PREFIX}.{reservation_id}.{nonce}"
        return f"{payload}.{self._signature(payload)}"

    def verify(self, secret: str) -> TicketClaim:
        if len(secret) > MAX_SECRET_LENGTH:
            raise InvalidTicketError()
        payload, _, signature = secret.strip().rpartition(".")
        prefix, _, rest = payload.partition(".")
        reservation_id, _, nonce = rest.partition(".")
        if prefix != PREFIX or not reservation_id.isdigit() or not _NONCE.match(nonce):
            raise InvalidTicketError()
        if not hmac.compare_digest(self._signature(payload).encode(), signature.encode()):
            raise InvalidTicketError()
        return TicketClaim(reservation_id=int(reservation_id), nonce=nonce)

    def _signature(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
