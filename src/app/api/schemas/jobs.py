"""Response body of the jobs endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import Struct

from app.core.jobs.model import Job

# Where the thing a finished job made can be read: result key → path of that resource.
RESULT_LOCATIONS: dict[str, str] = {
    "organization_id": "/api/organizations/{}/",
    "event_id": "/api/events/{}/",
}


def result_location(result: dict[str, Any] | None) -> str | None:
    """The path of the resource a finished job created, from its result (``organization_id`` → …)."""
    for key, template in RESULT_LOCATIONS.items():
        if result and result.get(key) is not None:
            return template.format(result[key])
    return None


class JobOut(Struct):
    id: int
    kind: str
    status: str
    result: dict[str, Any] | None
    location: str | None
    error: str | None
    attempts: int
    run_at: datetime | None
    created_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status.value,
            result=job.result,
            location=result_location(job.result),
            error=job.error,
            attempts=job.attempts,
            run_at=job.run_at,
            created_at=job.created_at,
            finished_at=job.finished_at,
        )
