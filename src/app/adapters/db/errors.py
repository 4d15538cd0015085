"""Turning named constraint violations into domain errors."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError

from app.core.shared.errors import DomainError


def translate_integrity_error(error: IntegrityError, by_constraint: Mapping[str, type[DomainError]]) -> None:
    """Raise the domain error whose constraint the failure names; do nothing when none matches.

    PostgreSQL names the constraint; SQLite names an expression index or the ``table.column``.
    """
    message = str(error.orig)
    for needle, domain_error in by_constraint.items():
        if needle in message:
            raise domain_error() from error
