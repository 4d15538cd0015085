"""Telling "the database cannot be reached" apart from a bug, in one line for the operator."""

from __future__ import annotations

import sqlite3

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.core.shared.errors import UnavailableError

_UNREACHABLE = (OSError, OperationalError, InterfaceError, sqlite3.OperationalError, UnavailableError)


def safe_url(url: str) -> str:
    """``url`` with its password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"


def explain_unreachable(error: BaseException, database_url: str) -> str | None:
    """One line saying the database at ``database_url`` cannot be reached and why, when ``error``
    (or one of its causes) says so; None for any other failure."""
    for cause in _chain(error):
        if isinstance(cause, UnavailableError | DBAPIError) and cause.__cause__ is not None:
            continue  # the driver's own error, further down the chain, says more
        reason = " ".join(str(cause).split()) or type(cause).__name__
        if _is_missing_table(cause):
            return f"the database at {safe_url(database_url)} has no schema yet ({reason}): run `muster migrate`"
        if isinstance(cause, _UNREACHABLE) or _is_connection_refusal(cause):
            return f"cannot reach the database at {safe_url(database_url)}: {reason}"
    return None


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_missing_table(error: BaseException) -> bool:
    if type(error).__name__ == "UndefinedTableError":  # asyncpg
        return True
    return isinstance(error, sqlite3.OperationalError) and str(error).startswith("no such table")


# asyncpg's refusals at connect time: no such database, wrong password, too many clients.
_REFUSALS = frozenset({"InvalidCatalogNameError", "InvalidAuthorizationSpecificationError", "TooManyConnectionsError"})


def _is_connection_refusal(error: BaseException) -> bool:
    return type(error).__name__ in _REFUSALS
