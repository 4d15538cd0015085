"""What the PostgreSQL integration tests share: the services built on an emptied database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.bootstrap import Services, build_services
from tests.conftest import settings_for, truncate_all


@pytest.fixture
async def services(postgres_url: str) -> AsyncIterator[Services]:
    await truncate_all(postgres_url)
    built = build_services(settings_for(postgres_url))
    yield built
    await built.aclose()
