"""``serve``: uvicorn with the app factory, the project's log format and, with several processes,
shared metrics files."""

from __future__ import annotations

import os
import tempfile

from app.cli.commands import EXIT_USAGE, CommandFailed, migrate_on_start
from app.settings import Settings


def serve(
    settings: Settings, *, host: str | None = None, port: int | None = None, workers: int | None = None, reload: bool
) -> int:
    import uvicorn

    from app.observability.logs import log_config

    workers = workers or settings.web_concurrency
    if workers > 1 and not settings.redis_url:
        raise CommandFailed("several workers need REDIS_URL, so live events reach every socket.", EXIT_USAGE)
    migrate_on_start(settings)
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Every worker writes its metrics here and each /metrics answers for all of them.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="muster-metrics-")
    uvicorn.run(
        "app.bootstrap:app_from_env",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        proxy_headers=False,  # the app reads proxy headers itself, only from TRUSTED_PROXIES
        log_level=settings.log_level.lower(),
        log_config=log_config(level=settings.log_level, fmt=settings.log_format),
        access_log=False,  # the app writes one access line per request, with its id and duration
        ws_per_message_deflate=settings.ws_per_message_deflate,
    )
    return 0
