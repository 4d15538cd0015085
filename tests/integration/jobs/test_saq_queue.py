"""SAQ on PostgreSQL dispatching the jobs recorded in the jobs table: the same handlers, run once each."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.jobs.saq_queue import SaqJobQueue, saq_url, saq_worker
from app.adapters.jobs.sql import SqlJobQueue
from app.adapters.jobs.worker import JobHandlers, JobWorker
from app.adapters.system_clock import SystemClock
from app.bootstrap import build_services
from app.core.jobs.model import JobStatus
from tests.conftest import running_api, settings_for
from tests.integration.jobs.test_sql_job_queue import wait_finished

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@contextlib.asynccontextmanager
async def saq_process(
    url: str, handlers: JobHandlers, *, run_worker: bool = True, saq_on: str | None = None
) -> AsyncIterator[SaqJobQueue]:
    """One process: the jobs table as record, SAQ as dispatcher (its own tables in the same database,
    or ``saq_on``, a Redis URL)."""
    engine = create_engine(url, pool_size=5)
    clock = SystemClock()
    records = SqlJobQueue(create_session_factory(engine), clock, max_attempts=3)
    queue = SaqJobQueue.from_url(records, saq_on or url, max_attempts=3, retry_base_s=0.1, timeout_s=10)
    await queue.connect()  # creates SAQ's tables (as `python -m app migrate` does) before workers race for them
    worker = saq_worker(queue, JobWorker(records, handlers, clock, retry_base_s=0.1), concurrency=4, grace_s=0)
    runner = asyncio.create_task(worker.start()) if run_worker else None
    try:
        yield queue
    finally:
        if runner is not None:
            await worker.stop()
            await runner
        await queue.close()
        await engine.dispose()


def test_saq_gets_a_psycopg_url() -> None:
    assert saq_url("postgresql+asyncpg://u@h:5432/db") == "postgresql://u@h:5432/db"
    assert saq_url("redis://h:6379/0") == "redis://h:6379/0"


@pytest.mark.parametrize("broker", ["postgres", pytest.param("redis", marks=pytest.mark.redis)])
async def test_two_saq_workers_run_every_job_once_and_retry_failures(
    clean_postgres: str, broker: str, request: pytest.FixtureRequest
) -> None:
    saq_on = None
    if broker == "redis":
        saq_on = request.getfixturevalue("redis_url")
        from redis.asyncio import Redis

        client = Redis.from_url(saq_on)
        await client.flushdb()
        await client.aclose()
    executions = Counter[int]()
    failed_once: set[int] = set()

    async def run(payload: Any) -> dict[str, int]:
        n = payload["n"]
        executions[n] += 1
        if n % 10 == 0 and n not in failed_once:
            failed_once.add(n)
            raise OSError("flaky")
        return {"n": n}

    async with (
        saq_process(clean_postgres, {"run": run}, saq_on=saq_on) as queue,
        saq_process(clean_postgres, {"run": run}, saq_on=saq_on),
    ):
        jobs = [await queue.enqueue("run", {"n": n}, created_by=None) for n in range(40)]
        await wait_finished(queue.records, [j.id for j in jobs], timeout_s=30)
        done = [await queue.get(j.id) for j in jobs]

    assert all(j is not None and j.status is JobStatus.DONE for j in done)
    assert [j.result for j in done] == [{"n": n} for n in range(40)]  # type: ignore[union-attr]
    assert {n: c for n, c in executions.items() if c != 1} == dict.fromkeys(range(0, 40, 10), 2)
    assert [j.attempts for j in done if j is not None and j.payload["n"] == 10] == [2]


async def test_a_recorded_job_never_handed_to_saq_runs_when_a_worker_starts(clean_postgres: str) -> None:
    ran: list[int] = []

    async def run(payload: Any) -> None:
        ran.append(payload["n"])

    async with saq_process(clean_postgres, {"run": run}, run_worker=False) as queue:
        job = await queue.records.enqueue("run", {"n": 1})  # the server died before dispatching it
    async with saq_process(clean_postgres, {"run": run}) as queue:
        await wait_finished(queue.records, [job.id], timeout_s=15)
        finished = await queue.get(job.id)
    assert ran == [1]
    assert finished is not None and finished.status is JobStatus.DONE


async def test_deferred_creation_over_http_runs_on_a_separate_saq_worker(clean_postgres: str) -> None:
    settings = settings_for(clean_postgres, jobs_backend="saq")
    async with running_api(settings) as api:
        _, headers = await api.user("ann@example.com")
        accepted = await api.client.post(
            "/api/organizations/", json={"title": "Queued Club"}, headers={**headers, "Prefer": "respond-async"}
        )
        assert accepted.status_code == 202
        await asyncio.sleep(0.3)
        still = (await api.client.get(accepted.headers["location"], headers=headers)).json()
        assert still["status"] == "queued"  # the server runs no worker with SAQ

        worker_side = build_services(settings)
        assert isinstance(worker_side.job_queue, SaqJobQueue)
        await worker_side.job_queue.connect()
        worker = saq_worker(worker_side.job_queue, worker_side.job_worker, grace_s=0)
        runner = asyncio.create_task(worker.start())
        try:
            async with asyncio.timeout(15):
                while (job := (await api.client.get(accepted.headers["location"], headers=headers)).json())[
                    "status"
                ] not in {"done", "failed"}:
                    await asyncio.sleep(0.05)
        finally:
            await worker.stop()
            await runner
            await worker_side.job_queue.close()
            await worker_side.engine.dispose()

    assert job["status"] == "done", job
    assert job["location"] == f"/api/organizations/{job['result']['organization_id']}/"
