"""Reading a job's state: its creator may poll it."""

from __future__ import annotations

from app.core.jobs.errors import JobNotFoundError
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
