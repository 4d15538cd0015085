"""The time, as a port so tests can fix it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Aware UTC time."""

    def now(self) -> datetime: ...
