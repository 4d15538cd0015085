"""Fake of the job queue."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from typing import Any

from app.core.jobs.model import Job, JobStatus
from tests.fakes.shared import FixedClock


class InMemoryJobQueue:
    """Records enqueued jobs; ``run_all`` runs the due ones through the given handlers, once each."""

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock
        self.jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)

    async def enqueue(self, kind: str, payload: Any, *, created_by: int | None = None, delay_s: float = 0) -> Job:
        job = Job(
            id=next(self._ids),
            kind=kind,
            payload=dict(payload),
            created_by=created_by,
            run_at=self._clock.now() + timedelta(seconds=delay_s),
            created_at=self._clock.now(),
        )
        self.jobs[job.id] = job
        return replace(job)

    async def get(self, job_id: int) -> Job | None:
        job = self.jobs.get(job_id)
        return replace(job) if job else None

    async def retry(self, job_id: int) -> Job | None:
        job = self.jobs.get(job_id)
        if job is None or job.status is not JobStatus.FAILED:
            return None
        job.status, job.attempts, job.error, job.finished_at = JobStatus.QUEUED, 0, None, None
        job.run_at = self._clock.now()
        return replace(job)

    async def run_all(self, handlers: dict[str, Any]) -> None:
        for job in self.jobs.values():
            if job.status is JobStatus.QUEUED and job.run_at is not None and job.run_at <= self._clock.now():
                job.attempts += 1
                job.result = dict(await handlers[job.kind](job.payload) or {})
                job.status = JobStatus.DONE
