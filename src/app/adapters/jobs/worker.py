"""The job worker: claims due jobs and runs the registered handler, retrying failures with backoff.

A handler that raises a ``DomainError`` (the domain refused: bad input, a broken rule) fails the job at
once; any other exception (a server down, a timeout) is retried until ``max_attempts``.

Liveness is a heartbeat, not the time limit: while a handler runs, its worker renews the claim every
``heartbeat_s`` (a third of ``stale_after_s``), and a job whose heartbeat is older than
``stale_after_s`` belongs to a dead worker and is claimed again by the next one. A worker that finds
its claim taken over (it lost the database for that long) drops its run and never completes it.

The same ``JobHandlers`` run whichever queue feeds them (the SQL jobs table here; SAQ in
``saq_queue.py``). In the embedded default the worker is a task inside the server process;
``python -m app worker`` runs it on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from enum import Enum
from typing import Any, Protocol

from app.core.jobs.model import Job, JobStatus, retry_delay_s
from app.core.shared.errors import DomainError
from app.observability.metrics import job_ran
from app.ports.clock import Clock
from app.ports.jobs import JobHandler, JobResult

logger = logging.getLogger("app.jobs")

JobHandlers = Mapping[str, JobHandler]
Beat = Callable[[], Awaitable[None]]  # a dispatching queue's own heartbeat (SAQ's job touch)


class ClaimingQueue(Protocol):
    """The worker's side of a queue: claim one job, then complete or fail it."""

    async def claim(self, *, lease_s: float) -> tuple[Job, str] | None: ...

    async def complete(self, job: Job, token: str, result: dict[str, Any] | None) -> bool: ...

    async def fail(self, job: Job, token: str, error: str, *, retry_at: Any) -> bool: ...

    async def claim_by_id(self, job_id: int, *, lease_s: float) -> tuple[Job, str] | None: ...

    async def renew(self, job_id: int, token: str, *, lease_s: float) -> bool: ...

    async def get(self, job_id: int) -> Job | None: ...

    async def prune(self, *, finished_before: Any) -> int: ...


class RetryLater(Exception):
    """The attempt failed and the job is queued again; the dispatching queue should retry it."""


class ClaimLost(Exception):
    """The heartbeat found the claim gone: another worker took the job over."""


class _Outcome(Enum):
    DONE = "done"
    FAILED = "failed"
    RETRY = "retry"
    LOST = "lost"


class JobWorker:
    """Runs jobs one at a time per slot (``concurrency`` slots), one slot polling when idle, all woken on enqueue."""

    def __init__(
        self,
        queue: ClaimingQueue,
        handlers: JobHandlers,
        clock: Clock,
        *,
        concurrency: int = 2,
        poll_interval_s: float = 0.5,
        timeout_s: float = 120.0,
        retry_base_s: float = 2.0,
        retry_max_s: float = 300.0,
        retention_s: float = 7 * 24 * 3600.0,
        stale_after_s: float = 15.0,
    ) -> None:
        self._queue, self._handlers, self._clock = queue, handlers, clock
        self._retention = retention_s
        self._concurrency, self._poll, self._timeout = concurrency, poll_interval_s, timeout_s
        self._retry_base, self._retry_max = retry_base_s, retry_max_s
        self._stale_after = stale_after_s
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def lease_s(self) -> float:
        """How long a claim lasts without a heartbeat: a job silent for longer is claimed again."""
        return self._stale_after

    @property
    def heartbeat_s(self) -> float:
        """How often a running job's claim is renewed: three beats fit in one lease."""
        return self._stale_after / 3

    def wake(self) -> None:
        """Look for work now instead of at the next poll."""
        self._wake.set()

    async def run_once(self) -> bool:
        """Claim and run one due job; False when none was due."""
        claimed = await self._queue.claim(lease_s=self.lease_s)
        if claimed is None:
            return False
        self._wake.set()  # more may be due: the idle slots look too
        job, token = claimed
        await self._run(job, token)
        return True

    async def run_job_id(self, job_id: int, *, beat: Beat | None = None) -> JobResult:
        """Run one named job now (another queue, SAQ, chose it), calling ``beat`` with each heartbeat.

        Raises ``RetryLater`` when the attempt failed and may be retried, or when the job's record is
        still held by a live worker, so that queue retries it with its own backoff."""
        claimed = await self._queue.claim_by_id(job_id, lease_s=self.lease_s)
        if claimed is None:
            record = await self._queue.get(job_id)
            if record is not None and record.status is JobStatus.RUNNING:
                raise RetryLater(f"job {job_id} is still running on a live worker")
            return None  # finished already: a duplicate delivery
        job, token = claimed
        outcome = await self._run(job, token, beat)
        if outcome is _Outcome.RETRY:
            raise RetryLater(f"job {job_id} attempt {job.attempts} failed")
        return None

    async def run_until_idle(self) -> int:
        """Run due jobs until none is left (tests and one-shot runs); returns how many ran."""
        count = 0
        while await self.run_once():
            count += 1
        return count

    def start(self) -> None:
        """Start the worker's slots as tasks of the running loop."""
        self._stopping = False
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self._loop(polls=i == 0), name=f"job-worker-{i}") for i in range(self._concurrency)
        ]
        if self._retention > 0:
            self._tasks.append(asyncio.create_task(self._prune_now_and_then(), name="job-pruner"))

    async def stop(self, *, grace_s: float = 10.0) -> None:
        """Stop claiming; let running jobs finish within ``grace_s``, then cancel them (they will be
        claimed again once their heartbeat is stale)."""
        self._stopping = True
        self._stop.set()
        self._wake.set()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks, timeout=grace_s)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _loop(self, *, polls: bool) -> None:
        """Claim and run jobs until stopped. Idle, only the slot that ``polls`` looks for work every
        poll interval; the others wait until an enqueue, or a slot that claimed a job, wakes them."""
        failures = 0
        while not self._stopping:
            try:
                ran = await self.run_once()
                failures = 0
            except Exception as error:
                # The database is unreachable (or not migrated yet): back off instead of spinning.
                failures += 1
                if failures == 1:
                    logger.exception("The job queue could not be read; retrying")
                else:
                    logger.warning("The job queue still cannot be read (%d tries): %s", failures, error)
                ran = False
            if ran or self._stopping:
                continue
            self._wake.clear()
            idle = min(30.0, self._poll * 2**failures) if failures else self._poll if polls else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)

    async def prune(self) -> int:
        """Delete finished jobs older than the retention period; returns how many."""
        cutoff = self._clock.now() - timedelta(seconds=self._retention)
        return await self._queue.prune(finished_before=cutoff)

    async def _prune_now_and_then(self, every_s: float = 3600.0) -> None:
        while not self._stopping:
            try:
                pruned = await self.prune()
                if pruned:
                    logger.info("Deleted %d finished jobs older than %.0f s", pruned, self._retention)
            except Exception as error:
                logger.warning("Finished jobs could not be pruned: %s", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=every_s)

    async def _run(self, job: Job, token: str, beat: Beat | None = None) -> _Outcome:
        started, now = time.perf_counter(), self._clock.now()
        outcome = await self._attempt(job, token, beat)
        due = job.run_at if job.run_at is not None and job.run_at.tzinfo is not None else None
        job_ran(job.kind, outcome.value, time.perf_counter() - started, (now - due).total_seconds() if due else None)
        return outcome

    async def _attempt(self, job: Job, token: str, beat: Beat | None) -> _Outcome:
        handler = self._handlers.get(job.kind)
        if handler is None:
            await self._queue.fail(job, token, f"no handler for job kind {job.kind!r}", retry_at=None)
            logger.error("Job %s: no handler for %r", job.id, job.kind)
            return _Outcome.FAILED
        if job.attempts > job.max_attempts:
            await self._queue.fail(job, token, "its worker stopped mid-run too many times", retry_at=None)
            return _Outcome.FAILED
        try:
            async with asyncio.timeout(self._timeout):
                result = await self._run_alive(job, token, handler, beat)
        except ClaimLost:
            logger.warning("Job %s: its heartbeat lapsed and another worker took it over; this run is dropped", job.id)
            return _Outcome.LOST
        except DomainError as error:
            # A refusal of the domain (bad input, a broken rule) would only be refused again.
            logger.warning("Job %s (%s) refused: %s", job.id, job.kind, error.detail)
            await self._queue.fail(job, token, f"{error.code}: {error.detail}", retry_at=None)
            return _Outcome.FAILED
        except Exception as error:
            return await self._retry_or_fail(job, token, error)
        if not await self._queue.complete(job, token, dict(result) if result is not None else None):
            logger.warning("Job %s finished after another worker took it over", job.id)
        return _Outcome.DONE

    async def _run_alive(self, job: Job, token: str, handler: JobHandler, beat: Beat | None) -> JobResult:
        """Run ``handler`` and renew the claim every ``heartbeat_s`` until it returns."""
        work = asyncio.ensure_future(handler(job.payload))
        try:
            while not (await asyncio.wait({work}, timeout=self.heartbeat_s))[0]:
                if not await self._heartbeat(job, token, beat):
                    raise ClaimLost(job.id)
            return work.result()
        finally:
            if not work.done():
                work.cancel()
                await asyncio.wait({work})
                if not work.cancelled():
                    work.exception()  # a handler that raised while stopping: nothing left to report

    async def _heartbeat(self, job: Job, token: str, beat: Beat | None) -> bool:
        """Renew the claim (and the dispatcher's heartbeat first); False only when the claim is gone.

        A database that cannot be reached is not a lost claim: the run goes on, and the next beat
        tries again (once the lease has passed, another worker may take the job and this run's
        completion is refused)."""
        if beat is not None:
            try:
                await beat()
            except Exception as error:
                logger.warning("Job %s: the dispatcher's heartbeat failed: %s", job.id, error)
        try:
            return await self._queue.renew(job.id, token, lease_s=self.lease_s)
        except Exception as error:
            logger.warning("Job %s: its heartbeat could not be recorded: %s", job.id, error)
            return True

    async def _retry_or_fail(self, job: Job, token: str, error: BaseException) -> _Outcome:
        message = f"{type(error).__name__}: {error}"
        if job.attempts >= job.max_attempts:
            logger.error("Job %s (%s) failed for good after %d attempts: %s", job.id, job.kind, job.attempts, message)
            await self._queue.fail(job, token, message, retry_at=None)
            return _Outcome.FAILED
        delay = retry_delay_s(job.attempts, base_s=self._retry_base, max_s=self._retry_max)
        logger.warning(
            "Job %s (%s) attempt %d failed, retrying in %.1fs: %s", job.id, job.kind, job.attempts, delay, message
        )
        await self._queue.fail(job, token, message, retry_at=self._clock.now() + timedelta(seconds=delay))
        return _Outcome.RETRY
