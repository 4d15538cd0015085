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

    async def ready(self) -> bool:
        try:
            async with asyncio.timeout(self._timeout), self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True
