"""Database readiness."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


class SqlReadinessProbe:
    """Runs ``SELECT 1`` with a short timeout."""

    name = "database"

    def __init__(self, engine: AsyncEngine, *, timeout_s: float = 2.0) -> None:
        self._engine, self._timeout = engine, timeout_s

    async def check(self) -> str | None:
        try:
            async with asyncio.timeout(self._timeout), self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            cause = error.__cause__ or error
            return f"database unreachable ({type(cause).__name__}: {cause})"
        return None
