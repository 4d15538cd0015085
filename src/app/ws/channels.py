"""Channel names: which sockets hear which domain events."""

from __future__ import annotations

SYSTEM_CHANNEL = "_system"


def user_channel(user_id: int) -> str:
    """The private channel of one user, heard by every socket that user has open."""
    return f"user:{user_id}"
