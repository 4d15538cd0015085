"""``worker``: the job worker, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.cli.commands import migrate_on_start
from app.settings import Settings

if TYPE_CHECKING:
    from app.ports.jobs import JobHandler


def run_worker(settings: Settings, extra_handlers: Mapping[str, JobHandler] | None = None) -> int:
    """Run the job worker until SIGINT or SIGTERM; running jobs get a grace period to finish.

    ``extra_handlers`` adds job kinds to the ones bootstrap registers (an embedding program's own)."""
    import signal

    from app.adapters.jobs.saq_queue import SaqJobQueue, saq_worker
    from app.bootstrap import build_services
    from app.observability.logs import configure_logging

    configure_logging(level=settings.log_level, fmt=settings.log_format)
    log = logging.getLogger("app.jobs")

    async def run() -> None:
        services = build_services(settings)
        services.job_handlers.update(extra_handlers or {})
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        saq = services.job_queue if isinstance(services.job_queue, SaqJobQueue) else None
        await services.start(jobs=saq is None)
        try:
            if saq is not None:
                log.info("SAQ worker started (%d slots).", settings.jobs_concurrency)
                worker = saq_worker(saq, services.job_worker, concurrency=settings.jobs_concurrency)
                await worker.start()  # SAQ handles SIGINT and SIGTERM itself, then stops gracefully
            else:
                log.info("Job worker started (%d slots).", settings.jobs_concurrency)
                await stop.wait()
        finally:
            await services.aclose()

    migrate_on_start(settings)
    asyncio.run(run())
    return 0
