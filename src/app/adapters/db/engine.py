"""Engine and session factory for the configured database (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.adapters.db.folding import register_casefold
from app.adapters.db.sqlite_driver import OneTripSQLite
from app.core.shared.errors import UnavailableError

_ASYNC_DRIVERS = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}


def async_url(url: str) -> str:
    """Give a plain ``postgresql://`` or ``sqlite://`` URL its async driver."""
    scheme, sep, rest = url.partition("://")
    return f"{_ASYNC_DRIVERS.get(scheme, scheme)}{sep}{rest}"


def is_sqlite(url: str) -> bool:
    return make_url(async_url(url)).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False, connect_timeout_s: float = 10) -> AsyncEngine:
    """Create the engine.

    SQLite allows one writer at a time, so the embedded default uses a single pooled connection:
    transactions queue in the pool instead of failing with "database is locked", which makes the
    embedded default correct under concurrency (PostgreSQL uses row locks instead). Its statements
    run in one trip each to aiosqlite's thread (``OneTripSQLite``).

    PostgreSQL connections are pinged when taken from the pool (``_ping``), so one the server dropped
    (a restart, a failover, an idle timeout) is replaced before a request uses it. A server that cannot
    be reached at all raises ``UnavailableError`` (503 with ``Retry-After``) instead of a driver error,
    and so does a transaction PostgreSQL undid to break a deadlock or a serialization conflict.
    """
    options: dict[str, Any] = {"echo": echo}
    if is_sqlite(url):
        options.update(
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
            connect_args={"timeout": 30},
            module=OneTripSQLite(),
        )
    else:
        options.update(
            pool_size=pool_size,
            max_overflow=pool_size * 2,
            pool_timeout=60,
            connect_args={"timeout": connect_timeout_s},
        )
    engine = create_async_engine(async_url(url), **options)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine.sync_engine.pool, "checkout", _ping)
        event.listen(engine.sync_engine, "do_connect", _connect_or_unavailable)
        event.listen(engine.sync_engine, "handle_error", _retryable_as_unavailable)
    return engine


# SQLSTATE classes of a server that is up but refuses work for now: 53 (out of resources, too many
# connections) and 57P (shutting down, starting up, restarted).
_UNAVAILABLE_SQLSTATES = ("53", "57P")


def _unavailable() -> UnavailableError:
    return UnavailableError("The database is unavailable for a moment; try again shortly.", retry_after=5)


def _connect_or_unavailable(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Open a connection; a server that cannot be reached (or refuses for now) is ``UnavailableError``."""
    try:
        return dialect.connect(*cargs, **cparams)
    except (OSError, TimeoutError) as error:
        raise _unavailable() from error
    except Exception as error:
        if str(getattr(error, "sqlstate", "") or "").startswith(_UNAVAILABLE_SQLSTATES):
            raise _unavailable() from error
        raise


def _ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Check a connection taken from the pool with ``SELECT 1`` in one round trip (SQLAlchemy's
    ``pool_pre_ping`` costs three on asyncpg: ``BEGIN``, the query, ``ROLLBACK``). A connection that
    fails it is replaced as ``pool_pre_ping`` would: the pool opens a new one and checks it too."""
    try:
        dbapi_connection.run_async(lambda connection: connection.execute("SELECT 1"))
    except Exception as error:
        raise DisconnectionError("the pooled connection is gone") from error


# SQLSTATEs of a transaction the server undid so that another could go on: a deadlock it broke
# (40P01) or a serialization failure (40001). Nothing of it was committed, and the same request
# again is expected to pass.
_UNDONE_SQLSTATES = frozenset({"40P01", "40001"})


def _retryable_as_unavailable(context: ExceptionContext) -> None:
    """A connection lost while in use is ``UnavailableError`` (the pool replaces it), and so is a
    transaction the server undid for a conflicting one (503 with ``Retry-After: 1``)."""
    cause = context.sqlalchemy_exception or context.original_exception
    if context.is_disconnect:
        raise _unavailable() from cause
    if str(getattr(context.original_exception, "sqlstate", "") or "") in _UNDONE_SQLSTATES:
        raise UnavailableError("A conflicting change went first; try again.", retry_after=1) from cause


def dialect_of(session: AsyncSession) -> str:
    """The name of the database behind ``session``: ``"postgresql"`` or ``"sqlite"``."""
    return session.get_bind().dialect.name


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    register_casefold(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
