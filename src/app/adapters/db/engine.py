"""Engine and session factory for the configured database (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

_ASYNC_DRIVERS = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}


def async_url(url: str) -> str:
    """Give a plain ``postgresql://`` or ``sqlite://`` URL its async driver."""
    scheme, sep, rest = url.partition("://")
    return f"{_ASYNC_DRIVERS.get(scheme, scheme)}{sep}{rest}"


def is_sqlite(url: str) -> bool:
    return make_url(async_url(url)).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Create the engine.

    SQLite allows one writer at a time, so the embedded default uses a single pooled connection:
    transactions queue in the pool instead of failing with "database is locked", which makes the
    embedded default correct under concurrency (PostgreSQL uses row locks instead).
    """
    options: dict[str, Any] = {"echo": echo, "pool_pre_ping": False}
    if is_sqlite(url):
        options.update(pool_size=1, max_overflow=0, pool_timeout=60, connect_args={"timeout": 30})
    else:
        options.update(pool_size=pool_size, max_overflow=pool_size * 2, pool_timeout=60)
    engine = create_async_engine(async_url(url), **options)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
