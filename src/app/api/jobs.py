"""Polling a background job."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from app.api.schemas.jobs import JobOut
from app.core.jobs.service import JobsService
from app.core.shared.principal import Principal


class JobController(Controller):
    path = "/api/jobs"
    tags = ["jobs"]

    @get("/{job_id:int}/", operation_id="GetJob")
    async def detail(
        self, job_id: FromPath[int], principal: NamedDependency[Principal], jobs: NamedDependency[JobsService]
    ) -> JobOut:
        """A job's ``status`` (``queued``, ``running``, ``done``, ``failed``) and ``result``; when done,
        ``location`` is the path of what it created. Only its creator sees it (others get 404)."""
        return JobOut.of(await jobs.get(actor=principal, job_id=job_id))
