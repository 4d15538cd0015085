"""Who is online, across every server process."""

from __future__ import annotations

from typing import Protocol


class PresenceTracker(Protocol):
    """Live connections per user; a connection lives while its process renews it (``heartbeat``)."""

    async def connect(self, user_id: int, connection_id: str) -> bool:
        """Register a connection; True when the user had none alive (came online)."""
        ...

    async def disconnect(self, user_id: int, connection_id: str) -> bool:
        """Forget a connection; True when it was the user's last live one (went offline)."""
        ...

    async def heartbeat(self) -> list[int]:
        """Renew the lease of every connection this process holds, opening again any the store lost
        (Redis restarted); the users who thereby came online again."""
        ...

    async def sweep(self) -> list[int]:
        """Forget connections whose lease ran out (their process died), and closes the store missed;
        users who went offline."""
        ...

    async def online(self, user_ids: list[int]) -> set[int]: ...
