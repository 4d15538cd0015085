"""Sending e-mail."""

from __future__ import annotations

from typing import Protocol

from app.core.shared.mail import Mail

__all__ = ["Mail", "Mailer"]


class Mailer(Protocol):
    """Sends e-mail. Raises ``OSError`` (or a subclass) when delivery fails."""

    async def send(self, mail: Mail) -> None: ...
