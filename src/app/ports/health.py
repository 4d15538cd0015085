"""Readiness of the services the app depends on."""

from __future__ import annotations

from typing import Protocol


class ReadinessProbe(Protocol):
    """Answers whether one backing service (database, Redis, the channel subscription) is usable."""

    name: str

    async def check(self) -> str | None:
        """None when it is usable, else the reason it is not."""
        ...
