"""The durable jobs table: survives restarts, never runs a job twice, retries with backoff, gives up."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import update

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.models.jobs import JobModel
from app.adapters.jobs.sql import SqlJobQueue
from app.adapters.jobs.worker import JobHandlers, JobWorker, RetryLater
from app.adapters.system_clock import SystemClock
from app.core.jobs.model import JobStatus
from app.core.organizations.errors import UnknownUsersError


@asynccontextmanager
async def a_process(url: str, handlers: JobHandlers, **worker: Any) -> AsyncIterator[tuple[SqlJobQueue, JobWorker]]:
    """A queue and a worker with their own engine, as one server or worker process has."""
    engine = create_engine(url, pool_size=5)
    clock = SystemClock()
    queue = SqlJobQueue(create_session_factory(engine), clock, max_attempts=worker.pop("max_attempts", 5))
    try:
        yield queue, JobWorker(queue, handlers, clock, **{"poll_interval_s": 0.02, **worker})
    finally:
        await engine.dispose()


async def wait_finished(queue: SqlJobQueue, job_ids: list[int], timeout_s: float = 20) -> None:
    pending = list(job_ids)
    async with asyncio.timeout(timeout_s):
        while pending:
            job = await queue.get(pending[0])
            if job is not None and job.status in {JobStatus.DONE, JobStatus.FAILED}:
                pending.pop(0)
            else:
                await asyncio.sleep(0.02)


async def test_a_queued_job_survives_a_restart_and_runs_in_the_next_worker(database_url: str) -> None:
    ran: list[dict[str, Any]] = []

    async def record(payload: Any) -> dict[str, Any]:
        ran.append(dict(payload))
        return {"seen": payload["n"]}

    async with a_process(database_url, {"record": record}) as (queue, _):
        job = await queue.enqueue("record", {"n": 7}, created_by=None)
    # that process is gone (its engine disposed) before any worker ran the job; a new one starts
    async with a_process(database_url, {"record": record}) as (queue, worker):
        assert await worker.run_until_idle() == 1
        done = await queue.get(job.id)
    assert ran == [{"n": 7}]
    assert done is not None and (done.status, done.result, done.attempts) == (JobStatus.DONE, {"seen": 7}, 1)


async def test_a_job_whose_worker_died_mid_run_is_claimed_again_once_its_heartbeat_is_stale(database_url: str) -> None:
    calls = Counter[int]()

    async def count(payload: Any) -> None:
        calls[payload["n"]] += 1

    async with a_process(database_url, {"count": count}) as (queue, _):
        job = await queue.enqueue("count", {"n": 1})
        claimed = await queue.claim(lease_s=0.5)  # a worker claims it, then its process is killed
        assert claimed is not None and claimed[0].id == job.id
        assert await queue.claim(lease_s=0.5) is None  # while the heartbeat is fresh, nobody else takes it
        assert await queue.claim_by_id(job.id, lease_s=0.5) is None

    await asyncio.sleep(0.6)
    async with a_process(database_url, {"count": count}) as (queue, worker):
        assert await worker.run_until_idle() == 1
        done = await queue.get(job.id)
        # the dead worker's late completion is refused: its claim token is no longer the job's
        assert await queue.complete(claimed[0], claimed[1], {"late": True}) is False
    assert calls == {1: 1}
    assert done is not None and (done.status, done.attempts) == (JobStatus.DONE, 2)


async def test_a_delayed_job_waits_for_its_time(database_url: str) -> None:
    async def noop(_: Any) -> None:
        return None

    async with a_process(database_url, {"noop": noop}) as (queue, worker):
        job = await queue.enqueue("noop", {}, delay_s=0.3)
        assert await worker.run_until_idle() == 0
        await asyncio.sleep(0.35)
        assert await worker.run_until_idle() == 1
        done = await queue.get(job.id)
    assert done is not None and done.status is JobStatus.DONE


async def test_a_failing_job_is_retried_with_backoff_then_succeeds(database_url: str) -> None:
    attempts: list[float] = []

    async def flaky(_: Any) -> dict[str, str]:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise OSError("the mail server is down")
        return {"ok": "yes"}

    async with a_process(database_url, {"flaky": flaky}, retry_base_s=0.1) as (queue, worker):
        job = await queue.enqueue("flaky", {})
        worker.start()
        await wait_finished(queue, [job.id])
        await worker.stop()
        done = await queue.get(job.id)

    assert done is not None
    assert (done.status, done.attempts, done.result) == (JobStatus.DONE, 3, {"ok": "yes"})
    first_gap, second_gap = attempts[1] - attempts[0], attempts[2] - attempts[1]
    assert first_gap >= 0.1 and second_gap >= 0.2  # base, then twice the base


async def test_a_job_fails_for_good_after_max_attempts(database_url: str) -> None:
    calls = 0

    async def broken(_: Any) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("always broken")

    async with a_process(database_url, {"broken": broken}, retry_base_s=0.01, max_attempts=3) as (queue, worker):
        job = await queue.enqueue("broken", {})
        worker.start()
        await wait_finished(queue, [job.id])
        await worker.stop()
        failed = await queue.get(job.id)

    assert calls == 3
    assert failed is not None
    assert (failed.status, failed.attempts, failed.error) == (JobStatus.FAILED, 3, "RuntimeError: always broken")
    assert failed.finished_at is not None


async def test_a_domain_refusal_fails_the_job_at_once_and_an_unknown_kind_too(database_url: str) -> None:
    async def refuse(_: Any) -> None:
        raise UnknownUsersError()

    async with a_process(database_url, {"refuse": refuse}) as (queue, worker):
        refused = await queue.enqueue("refuse", {})
        unknown = await queue.enqueue("no-such-kind", {})
        assert await worker.run_until_idle() == 2
        refused_job, unknown_job = await queue.get(refused.id), await queue.get(unknown.id)

    assert refused_job is not None and (refused_job.status, refused_job.attempts) == (JobStatus.FAILED, 1)
    assert refused_job.error is not None and refused_job.error.startswith("unknown_users")
    assert unknown_job is not None and unknown_job.status is JobStatus.FAILED


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_workers_on_postgres_never_run_the_same_job_twice(postgres_url: str) -> None:
    from tests.conftest import truncate_all

    await truncate_all(postgres_url)
    executions = Counter[int]()
    runners: dict[int, str] = {}

    def handler_for(name: str) -> Any:
        async def run(payload: Any) -> None:
            executions[payload["n"]] += 1
            runners[payload["n"]] = name
            await asyncio.sleep(0.005)

        return run

    async with (
        a_process(postgres_url, {"run": handler_for("a")}, concurrency=4) as (queue, first),
        a_process(postgres_url, {"run": handler_for("b")}, concurrency=4) as (_, second),
    ):
        jobs = [await queue.enqueue("run", {"n": n}) for n in range(120)]
        first.start()
        second.start()
        await wait_finished(queue, [j.id for j in jobs])
        await asyncio.gather(first.stop(), second.stop())
        statuses = {(await queue.get(j.id)).status for j in jobs}  # type: ignore[union-attr]

    assert statuses == {JobStatus.DONE}
    assert sorted(executions) == list(range(120))
    assert set(executions.values()) == {1}
    assert set(runners.values()) == {"a", "b"}  # both workers took part


async def test_finished_jobs_older_than_the_retention_are_pruned(database_url: str) -> None:
    async def noop(_: Any) -> None:
        return None

    async with a_process(database_url, {"noop": noop}, retention_s=0.2) as (queue, worker):
        old = await queue.enqueue("noop", {})
        await worker.run_until_idle()
        await asyncio.sleep(0.25)
        recent = await queue.enqueue("noop", {})
        await worker.run_until_idle()
        waiting = await queue.enqueue("noop", {}, delay_s=60)
        assert await worker.prune() == 1
        assert await queue.get(old.id) is None
        assert await queue.get(recent.id) is not None and await queue.get(waiting.id) is not None


async def test_a_live_worker_keeps_its_job_past_the_stale_time_and_a_second_worker_never_runs_it(
    database_url: str,
) -> None:
    runs = Counter[str]()

    def slow_for(name: str) -> Any:
        async def slow(_: Any) -> None:
            runs[name] += 1
            await asyncio.sleep(2.5)  # two and a half stale times: only the heartbeat keeps the claim

        return slow

    async with (
        a_process(database_url, {"slow": slow_for("a")}, stale_after_s=1.0) as (queue, first),
        a_process(database_url, {"slow": slow_for("b")}, stale_after_s=1.0) as (_, second),
    ):
        job = await queue.enqueue("slow", {})
        first.start()
        async with asyncio.timeout(5):
            while not runs:
                await asyncio.sleep(0.01)
        second.start()
        await wait_finished(queue, [job.id])
        await asyncio.gather(first.stop(), second.stop())
        done = await queue.get(job.id)

    assert runs == {"a": 1}
    assert done is not None and (done.status, done.attempts) == (JobStatus.DONE, 1)


async def test_a_worker_whose_claim_was_taken_over_drops_its_run(database_url: str) -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def forever(_: Any) -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with a_process(database_url, {"forever": forever}, stale_after_s=0.3) as (queue, worker):
        job = await queue.enqueue("forever", {})
        run = asyncio.create_task(worker.run_once())
        await asyncio.wait_for(started.wait(), 5)
        # Another worker takes the job over, as if this one had lost the database past the stale time.
        engine = create_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(update(JobModel).where(JobModel.id == job.id).values(claim_token="other"))
        await engine.dispose()
        assert await asyncio.wait_for(run, 5) is True
        record = await queue.get(job.id)

    assert cancelled.is_set()
    assert record is not None and record.status is JobStatus.RUNNING  # left to the worker that holds it


async def test_a_delivery_of_a_job_held_by_a_live_worker_is_retried_later_and_of_a_done_job_ignored(
    database_url: str,
) -> None:
    async def noop(_: Any) -> dict[str, bool]:
        return {"ran": True}

    async with a_process(database_url, {"noop": noop}) as (queue, worker):
        job = await queue.enqueue("noop", {})
        assert await queue.claim(lease_s=60) is not None  # a live worker runs it
        with pytest.raises(RetryLater):
            await worker.run_job_id(job.id)
        other = await queue.enqueue("noop", {})
        await worker.run_job_id(other.id)
        assert await worker.run_job_id(other.id) is None  # done: a second delivery runs nothing
        done = await queue.get(other.id)
    assert done is not None and (done.status, done.attempts) == (JobStatus.DONE, 1)


async def test_a_failed_job_retried_twice_at_once_is_queued_once_and_runs_again(database_url: str) -> None:
    attempts = Counter[str]()

    async def flaky(payload: Any) -> dict[str, Any]:
        attempts["runs"] += 1
        if attempts["runs"] == 1:
            raise RuntimeError("first run fails")
        return {"ok": True}

    async with a_process(database_url, {"flaky": flaky}, max_attempts=1) as (queue, worker):
        job = await queue.enqueue("flaky", {})
        assert await worker.run_until_idle() == 1
        failed = await queue.get(job.id)
        assert failed is not None and failed.status is JobStatus.FAILED and "first run fails" in (failed.error or "")
        assert await queue.retry(job.id + 1000) is None

        retried = await asyncio.gather(queue.retry(job.id), queue.retry(job.id))

        assert sum(r is not None for r in retried) == 1
        assert await queue.retry(job.id) is None  # queued now, not failed
        assert await worker.run_until_idle() == 1
        done = await queue.get(job.id)
    assert done is not None and (done.status, done.result, done.attempts, done.error) == (
        JobStatus.DONE,
        {"ok": True},
        1,
        None,
    )


class CountingClaims:
    """The real queue, counting the worker's claims."""

    def __init__(self, queue: SqlJobQueue) -> None:
        self.queue, self.claims = queue, 0

    async def claim(self, *, lease_s: float) -> Any:
        self.claims += 1
        return await self.queue.claim(lease_s=lease_s)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.queue, name)


async def test_an_idle_worker_polls_with_one_slot_and_work_wakes_every_slot(database_url: str) -> None:
    running, most = 0, 0

    async def slow(_: Any) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.5)
        running -= 1

    async with a_process(database_url, {"slow": slow}) as (queue, _):
        counted = CountingClaims(queue)
        worker = JobWorker(counted, {"slow": slow}, SystemClock(), concurrency=3, poll_interval_s=0.1)
        worker.start()
        await asyncio.sleep(1.5)
        idle_claims = counted.claims
        # Enqueued by another process (no wake reaches this worker): the polling slot finds the
        # first job, and running it wakes the idle slots for the others.
        async with a_process(database_url, {}) as (other, _):
            jobs = [await other.enqueue("slow", {}) for _ in range(3)]
        await wait_finished(queue, [job.id for job in jobs])
        await worker.stop()

    # One slot polling every 0.1 s claims about 15 times in 1.5 s; three slots would claim about 45 times.
    assert 3 <= idle_claims <= 27
    assert most == 3


async def test_an_idle_poll_on_sqlite_waits_for_no_writer(sqlite_url: str) -> None:
    from tests.conftest import truncate_all

    await truncate_all(sqlite_url)
    async with a_process(sqlite_url, {}) as (queue, _):
        writer = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
            # With nothing to claim, the poll reads and returns: it never waits for the lock (the
            # busy timeout is 30 s).
            async with asyncio.timeout(5):
                assert await queue.claim(lease_s=15) is None
            writer.execute("ROLLBACK")
        finally:
            writer.close()
