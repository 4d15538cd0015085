"""Sending e-mail after the response, with retries, so a slow or failing server never blocks a request."""

from __future__ import annotations

import asyncio
import logging

from app.ports.mailer import Mail, Mailer

logger = logging.getLogger("app.mail")


class BackgroundMailer:
    """Wraps a mailer: ``send`` returns at once; delivery is retried with backoff in a task."""

    def __init__(self, inner: Mailer, *, attempts: int = 4, first_delay_s: float = 1.0) -> None:
        self._inner, self._attempts, self._first_delay = inner, attempts, first_delay_s
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, mail: Mail) -> None:
        task = asyncio.create_task(self._deliver(mail))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait for mails still being sent (at shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)

    async def _deliver(self, mail: Mail) -> None:
        delay = self._first_delay
        for attempt in range(1, self._attempts + 1):
            try:
                await self._inner.send(mail)
                return
            except OSError as error:
                logger.warning("Mail to %s failed (attempt %d/%d): %s", mail.to, attempt, self._attempts, error)
                if attempt < self._attempts:
                    await asyncio.sleep(delay)
                    delay *= 2
        logger.error("Gave up sending mail to %s: %s", mail.to, mail.subject)
