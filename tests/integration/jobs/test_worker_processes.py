"""Real worker processes: a SAQ worker started on an empty queue runs a delayed job, and a job whose
worker was killed (SIGKILL) mid-run is run again, once, within 30 s of a worker being back."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url
from app.bootstrap import Services, build_services
from app.core.jobs.model import Job, JobStatus
from app.settings import Settings
from tests.conftest import ROOT, running_api, server_env, settings_for
from tests.e2e.api.test_organizations import poll_job
from tests.e2e.ticketing_flow import make_organizer
from tests.integration.jobs.conftest import empty_database
from tests.integration.jobs.worker_process import COUNT_ONCE_JOB, lines

pytestmark = pytest.mark.slow

RUN_AGAIN_WITHIN_S = 30.0


@contextlib.contextmanager
def worker_process(settings: Settings, log: Path, *module: str) -> Iterator[subprocess.Popen[bytes]]:
    """Start a worker process (``python -m app worker`` unless ``module`` names another) logging to
    ``log``; stops it with SIGTERM at the end unless the test killed it."""
    env = {**server_env(settings), "JOBS_BACKEND": settings.jobs_backend, "LOG_LEVEL": "INFO"}
    command = [sys.executable, "-m", *(module or ("app", "worker"))]
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.asynccontextmanager
async def enqueuing_side(settings: Settings) -> AsyncIterator[Services]:
    """What a server process holds: the services that enqueue (and read) jobs."""
    services = build_services(settings)
    try:
        yield services
    finally:
        await services.aclose()


async def saq_workers_seen(url: str) -> bool:
    """Whether a SAQ worker reported in (each writes a stats row once its upkeep runs)."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            seen = await connection.scalar(text("SELECT count(*) FROM saq_stats WHERE queue_key = 'muster'"))
    except Exception:
        return False  # SAQ's tables are not there yet
    finally:
        await engine.dispose()
    return bool(seen)


async def until(condition: Callable[[], Awaitable[bool]], *, timeout_s: float, every_s: float = 0.05) -> None:
    async with asyncio.timeout(timeout_s):
        while not await condition():
            await asyncio.sleep(every_s)


async def test_a_saq_worker_started_on_an_empty_queue_runs_a_delayed_event_creation(
    clean_postgres: str, tmp_path: Path
) -> None:
    settings = settings_for(clean_postgres, jobs_backend="saq", event_create_delay_s=2)
    log = tmp_path / "worker.log"
    with worker_process(settings, log) as worker:
        await until(lambda: saq_workers_seen(clean_postgres), timeout_s=30)  # up, with nothing queued
        async with running_api(settings) as api:
            _, organizer = await make_organizer(api, "org@example.com")
            body = {"title": "Late Night", "starts_at": "2099-05-01T18:00:00Z", "capacity": 4}
            accepted = await api.client.post(
                "/api/events/", json=body, headers={**organizer, "Prefer": "respond-async"}
            )
            assert accepted.status_code == 202, accepted.text
            queued_at = time.monotonic()
            job = await poll_job(api, accepted.headers["location"], organizer, timeout_s=20)
            waited = time.monotonic() - queued_at
            created = await api.client.get(job["location"], headers=organizer)
        assert worker.poll() is None, "the worker exited"
    assert job["status"] == "done", job
    assert 2 <= waited < 10  # after its delay, not before
    assert (created.status_code, created.json()["title"]) == (200, "Late Night")
    assert "PoolClosed" not in log.read_text()


BACKENDS = [
    pytest.param("sqlite", "sql", id="sql-sqlite"),
    pytest.param("postgres", "sql", id="sql-postgres", marks=pytest.mark.postgres),
    pytest.param("postgres", "saq", id="saq-postgres", marks=pytest.mark.postgres),
]


@pytest.mark.timeout(150)
@pytest.mark.parametrize(("database", "backend"), BACKENDS)
async def test_a_job_whose_worker_was_killed_mid_run_runs_once_soon_after_a_worker_is_back(
    database: str, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url: str = request.getfixturevalue(f"{database}_url")
    await empty_database(url)
    settings = settings_for(url, jobs_backend=backend)  # the default heartbeat: stale after 15 s
    assert settings.job_heartbeat_stale_s == 15
    module = ("tests.integration.jobs.worker_process",)
    (tmp_path / "hold").touch()

    async with enqueuing_side(settings) as server:
        with worker_process(settings, tmp_path / "first.log", *module) as first:
            job = await server.job_queue.enqueue(COUNT_ONCE_JOB, {"folder": str(tmp_path)})
            await until(lambda: _started(tmp_path, 1), timeout_s=30)
            first.kill()  # SIGKILL mid-run: no chance to give the job back
            first.wait()
        (tmp_path / "hold").unlink()
        running = await server.job_queue.get(job.id)
        assert running is not None and running.status is JobStatus.RUNNING

        back = time.monotonic()
        with worker_process(settings, tmp_path / "second.log", *module) as second:
            await until(lambda: _finished(server, job), timeout_s=RUN_AGAIN_WITHIN_S + 10, every_s=0.1)
            ran_again_after = time.monotonic() - back
            await asyncio.sleep(3)  # longer than a sweep and a poll: nothing runs it a third time
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0
        done = await server.job_queue.get(job.id)

    assert ran_again_after < RUN_AGAIN_WITHIN_S, ran_again_after
    assert lines(tmp_path / "started") == [str(first.pid), str(second.pid)]
    assert lines(tmp_path / "done") == [str(second.pid)]  # the work was carried out exactly once
    assert done is not None
    assert (done.status, done.attempts, done.result) == (JobStatus.DONE, 2, {"pid": second.pid})


async def _started(folder: Path, count: int) -> bool:
    return len(lines(folder / "started")) >= count


async def _finished(services: Services, job: Job) -> bool:
    record = await services.job_queue.get(job.id)
    return record is not None and record.status in {JobStatus.DONE, JobStatus.FAILED}
