"""Tickets: the signed secret in a confirmed reservation's QR code, and the printable document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TicketClaim:
    """What a verified ticket secret names; the nonce must still match the stored reservation."""

    reservation_id: int
    nonce: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TicketDocument:
    """Everything printed on a ticket."""

    reservation_id: int
    event_title: str
    starts_at: datetime
    location: str
    holder_name: str
    holder_email: str
    secret: str
