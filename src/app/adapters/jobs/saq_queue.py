"""SAQ as the production dispatcher: its PostgreSQL (or Redis) queue decides which worker runs a job when.

The ``jobs`` table stays the record every job has (integer id, creator, status, result, polled by
``GET /api/jobs/{id}/``); SAQ carries only ``run_job(job_id=…)``. A worker runs it through the same
``JobWorker`` and handlers as the embedded default: the record is claimed by id (so a duplicate
delivery runs nothing), and a failed attempt raises ``RetryLater`` so SAQ retries it with its own
exponential backoff. SAQ dequeues with ``FOR UPDATE SKIP LOCKED``.

Liveness is SAQ's job heartbeat: while a job runs, its worker touches the SAQ job with every
heartbeat of the record, and SAQ's sweep (every couple of seconds) retries a job not touched for
``stale_after_s``; the record's own lease lapses at the same time, so the next worker claims it by id.
A job recorded but not handed to SAQ (the process died in between) is handed over again when a
worker starts: the SAQ key is ``muster-job-<id>``, so handing it twice queues it once.
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import datetime
from typing import Any

from saq import Queue, Worker
from saq.types import Context

from app.adapters.jobs.sql import SqlJobQueue
from app.adapters.jobs.worker import JobWorker
from app.core.jobs.model import Job
from app.ports.jobs import JobPayload

SAQ_FUNCTION = "run_job"
SAQ_QUEUE = "muster"  # the SAQ queue every process enqueues to and every worker serves


def saq_url(url: str) -> str:
    """SAQ talks to PostgreSQL through psycopg: ``postgresql+asyncpg://`` becomes ``postgresql://``."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"


def saq_queue(url: str) -> Queue:
    """The project's SAQ queue on ``url`` (PostgreSQL or Redis), not yet connected."""
    return Queue.from_url(saq_url(url), name=SAQ_QUEUE)


class SaqJobQueue:
    """The ``JobQueue`` port on SAQ, with the ``jobs`` table as the record."""

    def __init__(
        self,
        records: SqlJobQueue,
        saq: Queue,
        *,
        max_attempts: int = 5,
        retry_base_s: float = 2.0,
        timeout_s: float = 120.0,
        stale_after_s: float = 15.0,
    ) -> None:
        self.records, self.saq = records, saq
        self._max_attempts, self._retry_base, self._timeout = max_attempts, retry_base_s, timeout_s
        self.stale_after_s = stale_after_s
        self._connecting = asyncio.Lock()

    @classmethod
    def from_url(cls, records: SqlJobQueue, url: str, **options: Any) -> SaqJobQueue:
        return cls(records, saq_queue(url), **options)

    async def enqueue(
        self, kind: str, payload: JobPayload, *, created_by: int | None = None, delay_s: float = 0
    ) -> Job:
        job = await self.records.enqueue(kind, payload, created_by=created_by, delay_s=delay_s)
        await self.dispatch(job.id, job.run_at)
        return job

    async def get(self, job_id: int) -> Job | None:
        return await self.records.get(job_id)

    async def retry(self, job_id: int) -> Job | None:
        job = await self.records.retry(job_id)
        if job is not None:
            await self.dispatch(job.id, job.run_at, again=True)
        return job

    async def connect(self) -> None:
        """Open SAQ's connections (once, however many callers race); the first connection to a database
        creates SAQ's tables."""
        async with self._connecting:
            await self.saq.connect()

    async def dispatch(self, job_id: int, run_at: datetime | None, *, again: bool = False) -> None:
        """Hand a recorded job to SAQ (again): a key SAQ already holds is not queued twice, unless
        ``again`` (a retry of a job SAQ has finished with, which it requeues only for a later time)."""
        await self.connect()
        # SAQ schedules in whole seconds: round up, so a job never runs before its time.
        scheduled = math.ceil(run_at.timestamp()) if run_at is not None and run_at.timestamp() > time.time() else 0
        if again:
            scheduled = max(scheduled, math.ceil(time.time()))
        await self.saq.enqueue(
            SAQ_FUNCTION,
            job_id=job_id,
            key=f"muster-job-{job_id}",
            scheduled=scheduled,
            timeout=int(self._timeout) + 1,
            heartbeat=max(1, round(self.stale_after_s)),
            retries=self._max_attempts,
            retry_delay=self._retry_base,
            retry_backoff=True,
            ttl=7 * 24 * 3600,
        )

    async def dispatch_queued(self) -> int:
        """Hand every queued record to SAQ (at worker start: nothing recorded is left behind)."""
        pending = await self.records.queued_ids()
        for job_id, run_at in pending:
            await self.dispatch(job_id, run_at)
        return len(pending)

    async def close(self) -> None:
        await self.saq.disconnect()


async def run_job(ctx: Context, *, job_id: int) -> None:
    """The one SAQ function (module level: SAQ finds functions by name)."""
    worker: JobWorker = ctx["muster_worker"]  # type: ignore[typeddict-item]
    saq_job = ctx.get("job")
    await worker.run_job_id(job_id, beat=saq_job.update if saq_job is not None else None)


def saq_worker(queue: SaqJobQueue, worker: JobWorker, *, concurrency: int = 4, grace_s: int = 10) -> Worker[Context]:
    """A SAQ worker that runs jobs through ``worker``'s handlers."""

    async def startup(ctx: Context) -> None:
        # Open SAQ's pool before its upkeep tasks poll it: nothing else does on an empty queue.
        await queue.connect()
        ctx["muster_worker"] = worker  # type: ignore[typeddict-unknown-key]
        await queue.dispatch_queued()

    return Worker(
        queue.saq,
        functions=[run_job],
        concurrency=concurrency,
        startup=startup,
        # A short sweep, so a job of a dead worker is retried soon after its heartbeat is stale; short
        # timers all round, because a stop waits for each upkeep task's current sleep.
        timers={"schedule": 1, "sweep": max(1, round(queue.stale_after_s / 6)), "abort": 1, "worker_info": 2},
        shutdown_grace_period_s=grace_s,
        # Idle slots wake up every second, so a stop waits for running jobs, not the grace period.
        dequeue_timeout=1.0,
    )
