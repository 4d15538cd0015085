"""Request budgets: how many times an address or an account may do one thing per window."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """What is counted. Each action has its own budget and its own counters."""

    LOGIN_FAILURE = "login_failure"  # wrong passwords (at login, or as the current password)
    REGISTER = "register"
    POST_MESSAGE = "post_message"
    CREATE_CHAT = "create_chat"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` times per ``window_s`` seconds."""

    count: int
    window_s: int

    @classmethod
    def of_rate(cls, rate: float, burst: int) -> Limit:
        """The fixed window closest to a token bucket of ``rate`` per second and ``burst``."""
        window_s = max(1, math.ceil(burst / rate)) if rate > 0 else 1
        return cls(count=max(1, round(rate * window_s)), window_s=window_s)


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """The limits of one action, per client address and per account (None: not limited that way)."""

    address: Limit | None = None
    account: Limit | None = None
