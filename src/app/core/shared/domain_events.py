"""Base of domain events: facts that happened, published after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    """Something that happened in the domain. Subclasses are named in the past tense."""
