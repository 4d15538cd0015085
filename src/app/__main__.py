"""The command line: ``python -m app serve | migrate | createsuperuser | worker``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.settings import Settings, SettingsError

if TYPE_CHECKING:
    from app.ports.jobs import JobHandler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="muster", description="Muster: expeditions, events, organizations, chat.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="apply pending migrations (embedded default) and serve HTTP + WebSocket")
    serve.add_argument("--host", help="bind address (HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (PORT, default 8000)")
    serve.add_argument("--workers", type=int, help="processes (WEB_CONCURRENCY, default 1; more need REDIS_URL)")
    serve.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    commands.add_parser("migrate", help="apply pending database migrations")
    superuser = commands.add_parser("createsuperuser", help="create an admin account (or promote an existing one)")
    superuser.add_argument("--email", required=True)
    superuser.add_argument("--name", default="")
    superuser.add_argument("--password", help="default: MUSTER_ADMIN_PASSWORD, else asked for")
    commands.add_parser("worker", help="run background jobs (set JOBS_IN_PROCESS=false on the servers then)")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"muster: {error}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        _migrate(settings)
        return 0
    if args.command == "createsuperuser":
        return _create_superuser(settings, args)
    if args.command == "worker":
        return run_worker(settings)
    return _serve(settings, args)


def _migrate(settings: Settings) -> None:
    from app.adapters.db.migrations import upgrade

    upgrade(settings.database_url)
    if settings.jobs_backend == "saq":
        _create_saq_tables(settings)


def _create_saq_tables(settings: Settings) -> None:
    """SAQ keeps its queue in tables of its own, created on its first connection: make them now."""
    from saq import Queue

    from app.adapters.jobs.saq_queue import saq_url

    async def run() -> None:
        queue = Queue.from_url(saq_url(settings.saq_url or settings.database_url), name="muster")
        await queue.connect()
        await queue.disconnect()

    asyncio.run(run())


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from app.log_redaction import uvicorn_log_config

    if settings.should_migrate_on_start:
        _migrate(settings)
    workers = args.workers or settings.web_concurrency
    if workers > 1 and not settings.redis_url:
        print("muster: several workers need REDIS_URL, so live events reach every socket.", file=sys.stderr)
        return 2
    uvicorn.run(
        "app.bootstrap:app_from_env",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=workers,
        reload=args.reload,
        proxy_headers=False,  # the app reads proxy headers itself, only from TRUSTED_PROXIES
        log_level=settings.log_level.lower(),
        log_config=uvicorn_log_config(),  # secrets in query strings are redacted in the access log
        access_log=settings.access_log,
        ws_per_message_deflate=settings.ws_per_message_deflate,
    )
    return 0


def _create_superuser(settings: Settings, args: argparse.Namespace) -> int:
    from app.bootstrap import build_services
    from app.core.shared.errors import DomainError

    password = args.password or os.environ.get("MUSTER_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print("muster: give the password with --password or MUSTER_ADMIN_PASSWORD.", file=sys.stderr)
            return 2
        password = getpass.getpass("Password: ")

    async def run() -> None:
        services = build_services(settings)
        await services.start()
        try:
            user = await services.user_admin.create_superuser(email=args.email, password=password, name=args.name)
            print(f"Admin {user.email} (id {user.id}) is ready.")
        finally:
            await services.aclose()

    try:
        asyncio.run(run())
    except DomainError as error:
        print(f"muster: {error.detail}", file=sys.stderr)
        return 1
    return 0


def run_worker(settings: Settings, extra_handlers: Mapping[str, JobHandler] | None = None) -> int:
    """Run the job worker until SIGINT or SIGTERM; running jobs get a grace period to finish.

    ``extra_handlers`` adds job kinds to the ones bootstrap registers (an embedding program's own)."""
    import logging
    import signal

    from app.adapters.jobs.saq_queue import SaqJobQueue, saq_worker
    from app.bootstrap import build_services

    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

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
                logging.getLogger("app.jobs").info("SAQ worker started (%d slots).", settings.jobs_concurrency)
                worker = saq_worker(saq, services.job_worker, concurrency=settings.jobs_concurrency)
                await worker.start()  # SAQ handles SIGINT and SIGTERM itself, then stops gracefully
            else:
                logging.getLogger("app.jobs").info("Job worker started (%d slots).", settings.jobs_concurrency)
                await stop.wait()
        finally:
            await services.aclose()

    if settings.should_migrate_on_start:
        _migrate(settings)
    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
