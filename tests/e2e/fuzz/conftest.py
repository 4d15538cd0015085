"""The populated world the schema fuzzers call, on a real server on PostgreSQL (one per module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import run_async, settings_for, truncate_all
from tests.e2e.fuzz.world import World, populated_server


@pytest.fixture(scope="module")
def world(postgres_url: str) -> Iterator[World]:
    run_async(truncate_all(postgres_url))
    with populated_server(settings_for(postgres_url)) as populated:
        yield populated
