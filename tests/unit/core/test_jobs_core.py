"""The retry schedule and who may read a job."""

from __future__ import annotations

import pytest

from app.core.jobs.errors import JobNotFoundError
from app.core.jobs.model import retry_delay_s
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
