"""Turning database refusals into domain errors: named constraints, and items the database refuses."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from app.core.shared.errors import DomainError, MissingReferenceError, UnstorableValueError

# PostgreSQL says "violates foreign key constraint"; SQLite "FOREIGN KEY constraint failed".
_FOREIGN_KEY = "foreign key constraint"
# SQLSTATE class 22 is "data exception" (e.g. 22021, U+0000 in text); SQLAlchemy does not always
# raise DataError for it (asyncpg's CharacterNotInRepertoireError arrives as a plain DBAPIError).
_DATA_EXCEPTION = "22"


def translate_integrity_error(error: IntegrityError, by_constraint: Mapping[str, type[DomainError]]) -> None:
    """Raise the domain error whose constraint the failure names; do nothing when none matches.

    PostgreSQL names the constraint; SQLite names an expression index or the ``table.column``.
    """
    message = str(error.orig)
    for needle, domain_error in by_constraint.items():
        if needle in message:
            raise domain_error() from error


def translate_refusal(error: DBAPIError, by_constraint: Mapping[str, type[DomainError]]) -> None:
    """Raise the domain error for a write the database refused because of what it holds: a named
    constraint, a foreign key whose row is gone (``reference_gone``), or a value it cannot store
    (``unstorable_value``, e.g. U+0000 in PostgreSQL text). Do nothing for any other failure."""
    if isinstance(error, IntegrityError):
        translate_integrity_error(error, by_constraint)
        if _FOREIGN_KEY in str(error.orig).lower():
            raise MissingReferenceError() from error
    elif isinstance(error, DataError) or str(getattr(error.orig, "sqlstate", "")).startswith(_DATA_EXCEPTION):
        raise UnstorableValueError() from error
