"""Reading a job's state (its creator may poll it), and retrying a failed one (admins)."""

from __future__ import annotations

from app.core.jobs.errors import JobNotFailedError, JobNotFoundError, JobRetryNotAllowedError
from app.core.jobs.model import Job
from app.core.shared.principal import Principal
from app.ports.jobs import JobQueue


class JobsService:
    """Job use cases."""

    def __init__(self, jobs: JobQueue) -> None:
        self._jobs = jobs

    async def get(self, *, actor: Principal, job_id: int) -> Job:
        """A job, for the user who created it (admins see every job); others get 404."""
        job = await self._jobs.get(job_id)
        if job is None or (job.created_by != actor.user_id and not actor.is_admin):
            raise JobNotFoundError()
        return job

    async def retry(self, *, actor: Principal, job_id: int) -> Job:
        """Queue a failed job again, due now, with its attempts counted afresh.

        Rules: admins only; only a ``failed`` job (``job_not_failed``, 409, for any other status).
        The queue flips the status in one conditional update, so two retries queue it once.
        """
        if not actor.is_admin:
            raise JobRetryNotAllowedError()
        job = await self._jobs.retry(job_id)
        if job is not None:
            return job
        if await self._jobs.get(job_id) is None:
            raise JobNotFoundError()
        raise JobNotFailedError()
