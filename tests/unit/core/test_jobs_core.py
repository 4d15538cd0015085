"""The retry schedule and who may read a job."""

from __future__ import annotations

import pytest

from app.core.jobs.errors import JobNotFailedError, JobNotFoundError, JobRetryNotAllowedError
from app.core.jobs.model import JobStatus, retry_delay_s
from app.core.jobs.service import JobsService
from app.core.shared.principal import Principal, Role
from tests.fakes import FixedClock, InMemoryJobQueue


def test_retry_delay_doubles_from_the_base_up_to_the_cap() -> None:
    assert [retry_delay_s(n, base_s=2, max_s=20) for n in range(1, 7)] == [2, 4, 8, 16, 20, 20]


async def test_only_the_creator_or_an_admin_reads_a_job() -> None:
    queue = InMemoryJobQueue(FixedClock())
    job = await queue.enqueue("noop", {}, created_by=1)
    service = JobsService(queue)

    assert (await service.get(actor=Principal(1, frozenset({Role.MEMBER})), job_id=job.id)).id == job.id
    assert (await service.get(actor=Principal(9, frozenset({Role.ADMIN})), job_id=job.id)).id == job.id
    for actor, job_id in [(Principal(2, frozenset({Role.MEMBER})), job.id), (Principal(1, frozenset()), 999)]:
        with pytest.raises(JobNotFoundError):
            await service.get(actor=actor, job_id=job_id)


async def test_an_admin_retries_a_failed_job_when_it_is_failed() -> None:
    queue = InMemoryJobQueue(FixedClock())
    job = await queue.enqueue("noop", {}, created_by=1)
    queue.jobs[job.id].status, queue.jobs[job.id].attempts, queue.jobs[job.id].error = JobStatus.FAILED, 5, "boom"
    service = JobsService(queue)

    retried = await service.retry(actor=Principal(9, frozenset({Role.ADMIN})), job_id=job.id)

    assert (retried.status, retried.attempts, retried.error) == (JobStatus.QUEUED, 0, None)
    assert queue.jobs[job.id].status is JobStatus.QUEUED


async def test_retry_is_refused_when_the_job_is_not_failed_or_the_caller_not_an_admin() -> None:
    queue = InMemoryJobQueue(FixedClock())
    job = await queue.enqueue("noop", {}, created_by=1)
    service = JobsService(queue)
    admin = Principal(9, frozenset({Role.ADMIN}))

    with pytest.raises(JobNotFailedError):
        await service.retry(actor=admin, job_id=job.id)
    with pytest.raises(JobNotFoundError):
        await service.retry(actor=admin, job_id=999)
    queue.jobs[job.id].status = JobStatus.FAILED
    with pytest.raises(JobRetryNotAllowedError):
        await service.retry(actor=Principal(1, frozenset({Role.MEMBER})), job_id=job.id)
    assert queue.jobs[job.id].status is JobStatus.FAILED
