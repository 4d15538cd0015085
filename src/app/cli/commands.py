"""The project's commands, as click commands: ``muster <command>`` and ``litestar <command>`` run
the same ones. Each reads the settings itself; a bad setting or an unreachable database ends it with
one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Callable

import click

from app.settings import Settings, SettingsError

EXIT_USAGE, EXIT_FAILED = 2, 1


class CommandFailed(Exception):
    """Ends a command with ``message`` on stderr and ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def run_command(action: Callable[[Settings], int]) -> int:
    """Read the settings and run ``action``; report failures in one line each."""
    from app.cli.failures import explain_unreachable

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"muster: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return action(settings)
    except CommandFailed as error:
        print(f"muster: {error}", file=sys.stderr)
        return error.code
    except Exception as error:
        reason = explain_unreachable(error, settings.database_url)
        if reason is None:
            raise
        print(f"muster: {reason}", file=sys.stderr)
        return EXIT_FAILED


def finish(code: int) -> None:
    """Leave a click command with ``code`` (click's ``standalone_mode`` would ignore a return value)."""
    if code:
        sys.exit(code)


@click.command("migrate", help="Apply pending database migrations and list them.")
def migrate_command() -> None:
    finish(run_command(migrate))


def migrate(settings: Settings) -> int:
    from app.adapters.db.migrations import head_revisions, upgrade
    from app.cli.failures import safe_url

    applied = upgrade(settings.database_url)
    target = safe_url(settings.database_url)
    for revision, message in applied:
        print(f"Applied {revision}: {message}")
    if applied:
        print(f"{target} is now at {', '.join(head_revisions())} ({len(applied)} applied).")
    else:
        print(f"{target} is already at head ({', '.join(head_revisions())}); nothing to apply.")
    if settings.jobs_backend == "saq":
        _create_saq_tables(settings)
    return 0


def _create_saq_tables(settings: Settings) -> None:
    """SAQ keeps its queue in tables of its own, created on its first connection: make them now."""
    from saq import Queue

    from app.adapters.jobs.saq_queue import saq_url

    async def run() -> None:
        queue = Queue.from_url(saq_url(settings.saq_url or settings.database_url), name="muster")
        await queue.connect()
        await queue.disconnect()

    asyncio.run(run())


@click.command("createsuperuser", help="Create an admin account (or promote an existing one).")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--password", help="default: MUSTER_ADMIN_PASSWORD, else asked for")
def createsuperuser_command(email: str, name: str, password: str | None) -> None:
    finish(run_command(lambda settings: create_superuser(settings, email=email, name=name, password=password)))


def create_superuser(settings: Settings, *, email: str, name: str = "", password: str | None = None) -> int:
    from app.bootstrap import build_services
    from app.core.shared.errors import DomainError, UnavailableError

    password = password or os.environ.get("MUSTER_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise CommandFailed("give the password with --password or MUSTER_ADMIN_PASSWORD.", EXIT_USAGE)
        password = getpass.getpass("Password: ")

    async def run() -> None:
        services = build_services(settings)
        await services.start()
        try:
            user = await services.user_admin.create_superuser(email=email, password=password, name=name)
            print(f"Admin {user.email} (id {user.id}) is ready.")
        finally:
            await services.aclose()

    try:
        asyncio.run(run())
    except UnavailableError:
        raise  # the database is away: reported by run_command with the reason
    except DomainError as error:
        raise CommandFailed(error.detail) from error
    return 0


@click.command("worker", help="Run background jobs (set JOBS_IN_PROCESS=false on the servers then).")
def worker_command() -> None:
    from app.cli.worker import run_worker

    finish(run_command(run_worker))


@click.command("serve", help="Apply pending migrations (embedded default) and serve HTTP + WebSocket.")
@click.option("--host", help="bind address (HOST, default 127.0.0.1)")
@click.option("--port", type=int, help="port (PORT, default 8000)")
@click.option("--workers", type=int, help="processes (WEB_CONCURRENCY, default 1; more need REDIS_URL)")
@click.option("--reload", is_flag=True, help="restart on code changes (development)")
def serve_command(host: str | None, port: int | None, workers: int | None, reload: bool) -> None:
    from app.cli.serve import serve

    finish(run_command(lambda settings: serve(settings, host=host, port=port, workers=workers, reload=reload)))


def migrate_on_start(settings: Settings) -> None:
    """Apply pending migrations before serving or working when the settings ask for it (SQLite)."""
    if settings.should_migrate_on_start:
        from app.adapters.db.migrations import upgrade

        upgrade(settings.database_url)


COMMANDS = (serve_command, migrate_command, createsuperuser_command, worker_command)
