"""The worker container's healthcheck (``python -m app.worker_health``) against a real
SAQ worker process on PostgreSQL: healthy while the worker runs, unhealthy seconds after it stops."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import Settings
from tests.conftest import ROOT, server_env, settings_for
from tests.integration.jobs.test_worker_processes import until, worker_process

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def healthcheck(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {**server_env(settings), "JOBS_BACKEND": settings.jobs_backend}
    command = [sys.executable, "-m", "app.worker_health"]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


async def test_healthy_while_a_worker_serves_the_queue_and_not_after_it_stopped(
    clean_postgres: str, tmp_path: Path
) -> None:
    settings = settings_for(clean_postgres, jobs_backend="saq")
    with worker_process(settings, tmp_path / "worker.log"):

        async def healthy() -> bool:
            return healthcheck(settings).returncode == 0

        await until(healthy, timeout_s=40, every_s=0.5)
        assert healthcheck(settings).stdout.strip() == "1 live worker(s)."
    # The stopped worker's entry lives 3 s at most.
    await until(lambda: _unhealthy(settings), timeout_s=15, every_s=0.5)
    assert healthcheck(settings).stdout.strip() == "No live worker serves the job queue."


async def _unhealthy(settings: Settings) -> bool:
    return healthcheck(settings).returncode == 1


def test_a_server_without_saq_has_no_worker_to_check(tmp_path: Path) -> None:
    done = healthcheck(settings_for(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite", jobs_backend="sql"))
    assert (done.returncode, done.stdout.strip().split(":")[0]) == (1, "JOBS_BACKEND is not saq")
