"""A Redis server of the test's own, on a free port, that the test may kill and start again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.harness import RedisProcess

from tests.conftest import free_port, unavailable

RedisServer = RedisProcess


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    try:
        server = RedisProcess(free_port(), tmp_path)
    except FileNotFoundError as error:
        unavailable(str(error))
        raise
    server.start()
    try:
        yield server
    finally:
        server.kill()
