"""Readiness of the services the app depends on."""

from __future__ import annotations

from typing import Protocol


class ReadinessProbe(Protocol):
    """Answers whether one backing service (database, Redis) is reachable."""

    name: str

    async def ready(self) -> bool: ...
