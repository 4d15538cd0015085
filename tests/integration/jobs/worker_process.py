"""``python -m app worker`` with one more job kind, for tests that kill a worker mid-job.

Run as ``python -m tests.integration.jobs.worker_process`` with the worker's environment. The
``count_once`` job appends its worker's pid to ``started`` in the payload's folder, waits while a
``hold`` file is there (a worker killed in the meantime never gets further), then appends its pid
to ``done``: the lines of ``done`` count how many times the job's work was carried out.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.worker import run_worker
from app.settings import Settings

COUNT_ONCE_JOB = "count_once"


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


async def count_once(payload: Any) -> dict[str, int]:
    folder, pid = Path(payload["folder"]), os.getpid()
    with (folder / "started").open("a") as started:
        started.write(f"{pid}\n")
    while (folder / "hold").exists():
        await asyncio.sleep(0.05)
    with (folder / "done").open("a") as done:
        done.write(f"{pid}\n")
    return {"pid": pid}


if __name__ == "__main__":
    sys.exit(run_worker(Settings.from_env(env_file=None), {COUNT_ONCE_JOB: count_once}))
