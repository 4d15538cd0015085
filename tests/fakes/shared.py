"""Fakes of the ports every context uses: the clock, the mailer, the notifier, the rate limiter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.shared.domain_events import DomainEvent
from app.ports.mailer import Mail


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 5, 1, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)


class RecordingNotifier:
    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    async def publish(self, *events: DomainEvent) -> None:
        self.published.extend(events)


class FakeRateLimiter:
    """Counts hits per key; no window (tests reset it by building a new one)."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    async def hit(self, key: str, *, limit: int, window_s: int) -> int:
        self.hits[key] = self.hits.get(key, 0) + 1
        return window_s if self.hits[key] > limit else 0

    async def undo(self, key: str) -> None:
        if self.hits.get(key, 0) > 0:
            self.hits[key] -= 1


class FailingMailer:
    """Every send fails, as an unreachable SMTP server would."""

    def __init__(self) -> None:
        self.attempts = 0

    async def send(self, mail: Mail) -> None:
        self.attempts += 1
        raise OSError("SMTP server unreachable")
