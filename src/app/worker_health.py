"""The job worker's container healthcheck: ``python -m app.worker_health`` (it imports only the
settings and the SAQ queue, not the app, so it answers quickly).

Exits 0 while a SAQ worker serving the project's queue has reported itself lately (a worker
rewrites its entry every 2 s and the entry lives 3 s, so a stopped, hung or disconnected worker
drops out within seconds), else 1, with one line saying why.
"""

from __future__ import annotations

import asyncio
import sys

from app.adapters.jobs.saq_queue import saq_queue
from app.settings import Settings


async def live_workers(url: str) -> int:
    """How many SAQ workers of the project's queue on ``url`` reported themselves within their lifetime."""
    queue = saq_queue(url)
    await queue.connect()
    try:
        info = await queue.info()
    finally:
        await queue.disconnect()
    return len(info["workers"])


def main() -> int:
    settings = Settings.from_env(env_file=None)
    if settings.jobs_backend != "saq":
        print("JOBS_BACKEND is not saq: jobs run inside the servers, there is no worker to check.")
        return 1
    try:
        workers = asyncio.run(asyncio.wait_for(live_workers(settings.saq_url or settings.database_url), 10))
    except Exception as error:
        print(f"The job queue cannot be read: {error}")
        return 1
    print(f"{workers} live worker(s)." if workers else "No live worker serves the job queue.")
    return 0 if workers else 1


if __name__ == "__main__":
    sys.exit(main())
