"""The jobs table as a durable queue: the embedded default, on SQLite or PostgreSQL.

Small on purpose. A job is a row, committed by ``enqueue`` before the caller goes on. A worker
claims one row with a single ``UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``,
so two workers never claim the same job (SQLite has one writer at a time, which gives the same).
A claim carries a random token and a short lease that the running worker renews as its heartbeat
(``renew``): completing needs the token, and a job whose worker died mid-run is claimed again as soon
as its heartbeat is stale (the lease has passed). Rows survive any restart of server or worker.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.adapters.db.models.jobs import JobModel
from app.core.jobs.model import Job, JobStatus
from app.ports.clock import Clock
from app.ports.jobs import JobPayload

MAX_ERROR_CHARS = 2000


def _abandoned(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """A running job whose worker stopped renewing its heartbeat: it died, or lost the database."""
    return (JobModel.status == JobStatus.RUNNING.value) & (JobModel.lease_until < now)


def _claimable(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """A job due by ``now``, or one whose worker is gone."""
    return or_((JobModel.status == JobStatus.QUEUED.value) & (JobModel.run_at <= now), _abandoned(now))


# Whether any job is claimable now: a read that takes no write lock, so an idle worker's poll costs one
# indexed lookup instead of a write transaction (the claim that follows is atomic on its own).
_ANY_CLAIMABLE = select(JobModel.id).where(_claimable(bindparam("now", type_=JobModel.run_at.type))).limit(1)


def job_from_row(row: JobModel) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        payload=dict(row.payload or {}),
        status=JobStatus(row.status),
        result=row.result,
        error=row.error,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        run_at=row.run_at,
        created_by=row.created_by,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


class SqlJobQueue:
    """Jobs in the ``jobs`` table. Implements the ``JobQueue`` port and the worker's claim/finish side."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock, *, max_attempts: int = 5) -> None:
        self._sessions, self._clock, self._max_attempts = sessions, clock, max_attempts
        self._listeners: list[Callable[[], None]] = []

    def on_enqueue(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each enqueue in this process (an in-process worker wakes up)."""
        self._listeners.append(listener)

    async def enqueue(
        self, kind: str, payload: JobPayload, *, created_by: int | None = None, delay_s: float = 0
    ) -> Job:
        now = self._clock.now()
        row = JobModel(
            kind=kind,
            payload=dict(payload),
            status=JobStatus.QUEUED.value,
            attempts=0,
            max_attempts=self._max_attempts,
            run_at=now + timedelta(seconds=max(0.0, delay_s)),
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        async with self._sessions() as session:
            session.add(row)
            await session.commit()
            job = job_from_row(row)
        for listener in self._listeners:
            listener()
        return job

    async def get(self, job_id: int) -> Job | None:
        async with self._sessions() as session:
            row = await session.get(JobModel, job_id)
            return job_from_row(row) if row else None

    async def retry(self, job_id: int) -> Job | None:
        now = self._clock.now()
        job = await self._update_one(
            (JobModel.id == job_id) & (JobModel.status == JobStatus.FAILED.value),
            {
                "status": JobStatus.QUEUED.value,
                "attempts": 0,
                "run_at": now,
                "error": None,
                "finished_at": None,
                "updated_at": now,
            },
        )
        if job is not None:
            for listener in self._listeners:
                listener()
        return job

    async def claim(self, *, lease_s: float) -> tuple[Job, str] | None:
        """Atomically take the next due job (or one whose heartbeat is stale); returns it and its claim token."""
        now = self._clock.now()
        async with self._sessions() as session:
            if await session.scalar(_ANY_CLAIMABLE, {"now": now}) is None:
                return None
        due = (
            select(JobModel.id)
            .where(_claimable(now))
            .order_by(JobModel.run_at, JobModel.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        return await self._claim(JobModel.id == due, now=now, lease_s=lease_s)

    async def claim_by_id(self, job_id: int, *, lease_s: float) -> tuple[Job, str] | None:
        """Take one named job that is queued, or running with a stale heartbeat (its runner died); None when
        it is finished or its runner is alive.

        Used when another queue (SAQ) decides which job runs and when.
        """
        now = self._clock.now()
        claimable = (JobModel.status == JobStatus.QUEUED.value) | _abandoned(now)
        return await self._claim((JobModel.id == job_id) & claimable, now=now, lease_s=lease_s)

    async def renew(self, job_id: int, token: str, *, lease_s: float) -> bool:
        """The running worker's heartbeat: extend its claim by ``lease_s``; False when the claim is lost."""
        lease_until = self._clock.now() + timedelta(seconds=lease_s)
        return await self._update_claimed(job_id, token, {"lease_until": lease_until})

    async def _claim(self, condition: ColumnElement[bool], *, now: datetime, lease_s: float) -> tuple[Job, str] | None:
        token = secrets.token_hex(16)
        job = await self._update_one(
            condition,
            {
                "status": JobStatus.RUNNING.value,
                "attempts": JobModel.attempts + 1,
                "claim_token": token,
                "lease_until": now + timedelta(seconds=lease_s),
                "updated_at": now,
            },
        )
        return (job, token) if job is not None else None

    async def _update_one(self, condition: ColumnElement[bool], values: dict[str, Any]) -> Job | None:
        """Change the job matching ``condition`` in one statement and return it (None when none matched)."""
        statement = (
            update(JobModel)
            .where(condition)
            .values(**values)
            .returning(JobModel)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions() as session:
            row = await session.scalar(statement)
            job = job_from_row(row) if row is not None else None
            await session.commit()
        return job

    async def prune(self, *, finished_before: datetime) -> int:
        """Delete done and failed jobs that finished before ``finished_before``; returns how many."""
        statement = delete(JobModel).where(
            JobModel.status.in_([JobStatus.DONE.value, JobStatus.FAILED.value]), JobModel.finished_at < finished_before
        )
        async with self._sessions() as session:
            outcome = await session.execute(statement)
            await session.commit()
        return int(outcome.rowcount)  # type: ignore[attr-defined]

    async def queued_ids(self, *, limit: int = 1000) -> list[tuple[int, datetime]]:
        """Ids and due times of queued jobs, oldest first (to hand them to another queue after a crash)."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(JobModel.id, JobModel.run_at)
                .where(JobModel.status == JobStatus.QUEUED.value)
                .order_by(JobModel.run_at, JobModel.id)
                .limit(limit)
            )
            return [(row.id, row.run_at) for row in rows]

    async def queued_count(self) -> int:
        """How many jobs wait to run (due or not)."""
        async with self._sessions() as session:
            statement = select(func.count()).select_from(JobModel).where(JobModel.status == JobStatus.QUEUED.value)
            return int((await session.execute(statement)).scalar_one())

    async def complete(self, job: Job, token: str, result: dict[str, Any] | None) -> bool:
        """Mark a claimed job done; False when the claim was lost (its heartbeat lapsed and another took it)."""
        now = self._clock.now()
        return await self._finish(
            job.id, token, status=JobStatus.DONE, result=result, error=None, finished_at=now, run_at=None
        )

    async def fail(self, job: Job, token: str, error: str, *, retry_at: datetime | None) -> bool:
        """Give the attempt up: queue the job again at ``retry_at``, or mark it failed when that is None."""
        status, finished_at = (JobStatus.FAILED, self._clock.now()) if retry_at is None else (JobStatus.QUEUED, None)
        return await self._finish(
            job.id, token, status=status, result=None, error=error, finished_at=finished_at, run_at=retry_at
        )

    async def _finish(
        self,
        job_id: int,
        token: str,
        *,
        status: JobStatus,
        result: dict[str, Any] | None,
        error: str | None,
        finished_at: datetime | None,
        run_at: datetime | None,
    ) -> bool:
        values: dict[str, Any] = {
            "status": status.value,
            "result": result,
            "error": error[:MAX_ERROR_CHARS] if error else None,
            "finished_at": finished_at,
            "claim_token": None,
            "lease_until": None,
            "updated_at": self._clock.now(),
        }
        if run_at is not None:
            values["run_at"] = run_at
        return await self._update_claimed(job_id, token, values)

    async def _update_claimed(self, job_id: int, token: str, values: dict[str, Any]) -> bool:
        """Update a job only while ``token`` still holds its claim; False when another worker took it."""
        statement = (
            update(JobModel)
            .where(JobModel.id == job_id, JobModel.claim_token == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        async with self._sessions() as session:
            outcome = await session.execute(statement)
            await session.commit()
        return bool(outcome.rowcount)  # type: ignore[attr-defined]
