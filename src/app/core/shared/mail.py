"""An e-mail as the core writes it (sent through the ``Mailer`` port)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mail:
    """A plain-text e-mail."""

    to: str
    subject: str
    body: str
