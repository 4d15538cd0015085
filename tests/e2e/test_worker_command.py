"""``python -m app worker`` runs jobs that a server recorded, in a process of its own, and stops cleanly."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.migrations import upgrade
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.adapters.jobs.sql import SqlJobQueue
from app.adapters.system_clock import SystemClock
from app.core.accounts.model import User
from app.core.jobs.model import JobStatus
from app.core.organizations.model import NewOrganization
from app.core.organizations.service import OrganizationsService
from app.core.shared.principal import Principal, Role
from tests.conftest import ROOT, in_thread, server_env, settings_for


@pytest.mark.slow
async def test_the_worker_command_runs_a_deferred_creation_recorded_earlier(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}"
    in_thread(upgrade, url)
    engine = create_engine(url)
    clock = SystemClock()
    records = SqlJobQueue(create_session_factory(engine), clock)
    uow = SqlUnitOfWorkFactory(create_session_factory(engine))
    async with uow() as unit:
        ann = await unit.users.add(User(email="ann@example.com", name="Ann", password_hash="h", created_at=clock.now()))
        await unit.commit()
    organizations = OrganizationsService(uow=uow, clock=clock, jobs=records)
    actor = Principal(user_id=ann.id, roles=frozenset({Role.MEMBER}))
    job = await organizations.request_creation(actor=actor, draft=NewOrganization(title="Night Club", postcode="1"))

    env = server_env(settings_for(url))
    process = subprocess.Popen([sys.executable, "-m", "app", "worker"], env=env, cwd=ROOT)  # noqa: ASYNC220
    try:
        async with asyncio.timeout(20):
            while (done := await records.get(job.id)) is None or done.status in {JobStatus.QUEUED, JobStatus.RUNNING}:
                assert process.poll() is None, "the worker exited"
                await asyncio.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=15)
    try:
        assert done is not None and done.status is JobStatus.DONE, done
        card = await organizations.get(actor=actor, organization_id=int(done.result["organization_id"]))  # type: ignore[index]
        assert (card.organization.title, card.organization.full_address) == ("Night Club", "1")
        assert exit_code == 0
    finally:
        await engine.dispose()
