"""Case-insensitive search in every alphabet, on PostgreSQL as on SQLite.

PostgreSQL's ``lower()`` folds every letter of its UTF-8 locale, and the trigram and full-text
indexes are built on it, so searches there keep comparing ``lower(column)``. SQLite's ``lower()``
and ``LIKE`` fold ASCII letters only ("ПОХОД" never matches "поход"), so every SQLite connection
gets a deterministic ``casefold()`` SQL function (Python's ``str.casefold``) and searches there
compare with it. A ``LIKE '%…%'`` scan reads every row on SQLite whichever function it calls.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func

CASEFOLD = "casefold"


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def register_casefold(dbapi_connection: Any) -> None:
    """Give a new SQLite connection the ``casefold(text)`` SQL function."""
    dbapi_connection.create_function(CASEFOLD, 1, _casefold, deterministic=True)


def contains_folded(dialect: str, column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` ignoring letter case in every alphabet (``%`` and ``_`` literal)."""
    if dialect == "sqlite":
        return func.casefold(column).contains(text.casefold(), autoescape=True)
    return func.lower(column).contains(text.lower(), autoescape=True)
