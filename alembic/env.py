"""Alembic environment: async, one history for SQLite (batch mode) and PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

import app.adapters.db.models  # noqa: F401  (registers every table on the metadata)
from app.adapters.db.base import metadata
from app.adapters.db.engine import async_url
from app.settings import Settings

config = context.config


def _url() -> str:
    return str(config.attributes.get("database_url") or Settings.from_env().database_url)


def _configure(connection: Connection | None = None) -> None:
    context.configure(
        connection=connection,
        url=None if connection is not None else async_url(_url()),
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        literal_binds=connection is None,
        # app.adapters.db.migrations hands in a callback to report each revision applied.
        on_version_apply=config.attributes.get("on_version_apply"),
    )


def _run_on(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(async_url(_url()), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_on)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    _configure()
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
