"""Durable background jobs: persisted before the caller goes on, run later by a worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from app.core.jobs.model import Job

JobPayload = Mapping[str, Any]
JobResult = Mapping[str, Any] | None

# A handler gets the payload given to ``enqueue`` (JSON values) and returns the job's result (JSON
# values) or None. Raising fails this attempt; the job is retried with backoff until it runs out of
# attempts. Handlers must be safe to run again after a crash mid-run (at-least-once on a crash).
JobHandler = Callable[[JobPayload], Awaitable[JobResult]]


class JobQueue(Protocol):
    """Enqueues jobs by kind; a worker runs the handler registered for that kind."""

    async def enqueue(
        self, kind: str, payload: JobPayload, *, created_by: int | None = None, delay_s: float = 0
    ) -> Job:
        """Persist a job (committed when this returns) to run after ``delay_s`` seconds."""
        ...

    async def get(self, job_id: int) -> Job | None: ...

    async def retry(self, job_id: int) -> Job | None:
        """Queue a failed job again, due now, with no attempts spent; None when it is not failed
        (one conditional update, so concurrent retries queue it once)."""
        ...
