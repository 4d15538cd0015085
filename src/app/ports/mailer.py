"""Sending e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Mail:
    """A plain-text e-mail."""

    to: str
    subject: str
    body: str


class Mailer(Protocol):
    """Sends e-mail. Raises ``OSError`` (or a subclass) when delivery fails."""

    async def send(self, mail: Mail) -> None: ...
