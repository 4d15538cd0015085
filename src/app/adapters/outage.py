"""One outage of a backing service, logged once when it starts and once when it ends (never per retry)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class Outage:
    """Counts the failures of one dependency (``what``) and says when an outage starts and ends.

    ``failed`` logs a warning on the first failure only; ``recovered`` logs how long it lasted and how
    many operations failed meanwhile, once. ``problem`` is the reason while it lasts, for readiness.
    """

    def __init__(self, what: str, logger: logging.Logger, *, now: Callable[[], float] = time.monotonic) -> None:
        self.what, self._logger, self._now = what, logger, now
        self.since: float | None = None
        self.reason: str | None = None
        self.failures = 0  # during the current outage
        self.total_failures = 0  # since the process started

    @property
    def down(self) -> bool:
        return self.since is not None

    @property
    def problem(self) -> str | None:
        """Why it is down (with for how long), or None while it works."""
        if self.since is None:
            return None
        return f"{self.what} failing for {self._now() - self.since:.1f} s: {self.reason}"

    def failed(self, error: BaseException, *, consequence: str = "", operations: int = 1) -> None:
        """``operations`` failed together (one batch) for ``error``."""
        self.failures += operations
        self.total_failures += operations
        self.reason = f"{type(error).__name__}: {error}"
        if self.since is None:
            self.since = self._now()
            self._logger.warning("%s failing (%s)%s", self.what, self.reason, f"; {consequence}" if consequence else "")

    def recovered(self) -> None:
        if self.since is None:
            return
        lasted, failures = self._now() - self.since, self.failures
        self.since, self.reason, self.failures = None, None, 0
        self._logger.warning("%s works again after %.1f s (%d failed operations)", self.what, lasted, failures)
