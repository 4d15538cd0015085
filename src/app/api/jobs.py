"""Polling a background job, and the ``Prefer: respond-async`` answer every deferring endpoint gives."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, HeaderParameter
from litestar.status_codes import HTTP_202_ACCEPTED
from litestar.types import ControllerRouterHandler

from app.api.schemas.jobs import JobOut
from app.core.jobs.service import JobsService
from app.core.shared.principal import Principal

Prefer = Annotated[
    str | None,
    HeaderParameter(
        name="Prefer",
        max_length=200,
        description="`respond-async`: answer 202 at once with a job; the work is done in the background.",
    ),
]

# For a handler's ``responses=``: documents the 202 answer next to its usual one.
ACCEPTED_JOB = {
    HTTP_202_ACCEPTED: ResponseSpec(
        data_container=JobOut,
        description="With `Prefer: respond-async`: the job that will do it; poll `Location: /api/jobs/{id}/`.",
    )
}


def wants_async(prefer: str | None) -> bool:
    """True when a ``Prefer`` header (RFC 7240) asks for ``respond-async``."""
    return any(part.strip().lower() == "respond-async" for part in (prefer or "").replace(";", ",").split(","))


def accepted_job(job: JobOut) -> Response[JobOut]:
    """202 Accepted with the job, and ``Location`` where to poll it."""
    return Response(job, status_code=HTTP_202_ACCEPTED, headers={"Location": f"/api/jobs/{job.id}/"})


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


ROUTES: list[ControllerRouterHandler] = [JobController]
