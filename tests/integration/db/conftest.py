"""What the database integration tests share: the services built on an emptied PostgreSQL database,
and a count of the trips to aiosqlite's thread."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiosqlite.core
import pytest

from app.bootstrap import Services, build_services
from tests.conftest import settings_for, truncate_all


@pytest.fixture
async def services(postgres_url: str) -> AsyncIterator[Services]:
    await truncate_all(postgres_url)
    built = build_services(settings_for(postgres_url))
    yield built
    await built.aclose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many calls went to aiosqlite's thread since the last look."""
    calls = [0]
    run: Any = aiosqlite.core.Connection._execute

    async def counted(self: aiosqlite.core.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return await run(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)

    def taken() -> int:
        count, calls[0] = calls[0], 0
        return count

    return taken
