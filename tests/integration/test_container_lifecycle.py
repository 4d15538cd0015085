"""The container's lifecycle: ``start`` runs the job worker and the background loops, ``aclose``
stops them and releases every resource once; ``createsuperuser`` closes the whole container."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.adapters.db.migrations import upgrade
from app.bootstrap import Services, build_services
from app.cli.commands import create_superuser
from app.settings import Settings
from tests.conftest import in_thread, settings_for


async def test_start_runs_the_worker_and_loops_and_aclose_stops_and_releases_everything_once(tmp_path: Path) -> None:
    services = build_services(settings_for(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"))
    closed: list[str] = []
    looping = asyncio.Event()

    async def loop() -> None:
        looping.set()
        await asyncio.Event().wait()

    services.background = [loop]
    services.closers.append(lambda: closed.append("closer"))
    await services.start(jobs=True, loops=True)
    await asyncio.wait_for(looping.wait(), timeout=5)
    worker_tasks = list(services.job_worker._tasks)
    loop_tasks = list(services._tasks)
    assert worker_tasks and all(not task.done() for task in worker_tasks)

    pool = services.engine.pool
    await services.aclose()
    await services.aclose()  # a second close does nothing

    assert closed == ["closer"]
    assert all(task.done() for task in worker_tasks + loop_tasks)
    assert services.engine.pool is not pool  # disposed: a new, empty pool replaced it


async def test_start_without_flags_runs_nothing(tmp_path: Path) -> None:
    services = build_services(settings_for(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"))
    await services.start()
    assert services.job_worker._tasks == [] and services._tasks == []
    await services.aclose()


def test_createsuperuser_closes_the_whole_container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}"
    in_thread(upgrade, url)
    built: list[Services] = []
    closed: list[Services] = []
    pools: list[object] = []

    def recording_build(settings: Settings) -> Services:
        services = build_services(settings)
        built.append(services)
        pools.append(services.engine.pool)
        services.closers.append(lambda: closed.append(services))
        return services

    monkeypatch.setattr("app.bootstrap.build_services", recording_build)
    made = create_superuser(settings_for(url), email="root@example.com", name="Root", password="s3cret-pass-1")
    assert made == 0
    assert closed == built and len(built) == 1  # every closer ran: thread pools, then the pools
    assert built[0].engine.pool is not pools[0]  # the database pool was disposed too
