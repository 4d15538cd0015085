"""A bounded history of live events per stream, so a socket that reconnects gets what it missed."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from app.ports.notifier import Envelope


@runtime_checkable  # injected into socket handlers, whose parameters Litestar checks
class EventHistory(Protocol):
    """Keeps the last events of each stream with increasing ``seq`` positions, shared by every process.

    Positions only grow, also across restarts of the store (they start from the clock), so a
    position from before a restart is older than anything kept and reads as not recoverable.
    """

    async def append(self, stream: str, envelope: Envelope) -> Envelope:
        """Keep ``envelope`` as the newest event of ``stream``; returns it at its position (``Envelope.at``)."""
        ...

    async def position(self, stream: str) -> int:
        """The position of the newest event of ``stream`` (a position below anything to come when empty)."""
        ...

    async def since(self, stream: str, after: int, *, up_to: int | None = None) -> list[Envelope] | None:
        """Every kept event after position ``after`` (and at most ``up_to``), oldest first; None when the
        history no longer reaches back to ``after`` (or ``after`` is a position it never gave)."""
        ...
