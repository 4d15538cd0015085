"""Shared fixtures of the job tests."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.adapters.db.engine import create_engine, is_sqlite
from tests.conftest import truncate_all


async def empty_database(url: str) -> None:
    """Empty every table; on PostgreSQL drop SAQ's tables too (the first SAQ connection makes them again)."""
    await truncate_all(url)
    if is_sqlite(url):
        return
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE IF EXISTS saq_jobs, saq_stats, saq_versions CASCADE"))
    await engine.dispose()


@pytest.fixture
async def clean_postgres(postgres_url: str) -> str:
    await empty_database(postgres_url)
    return postgres_url
