"""Muster's commands in the Litestar CLI, registered as ``litestar.commands`` entry points.

Litestar loads these before it looks for an app, so this module also names Muster's app factory in
``LITESTAR_APP`` (unless it is set already): ``litestar run``, ``litestar routes`` and the rest find
the app from any directory, with no ``--app``. ``litestar database upgrade`` is ``migrate``.
"""

from __future__ import annotations

import os

import click

from app.cli.commands import createsuperuser_command, migrate_command, serve_command, worker_command

os.environ.setdefault("LITESTAR_APP", "app.bootstrap:create_app")


@click.group("database", help="Muster's migrations (one Alembic history for SQLite and PostgreSQL).")
def database() -> None:
    """``litestar database upgrade`` applies pending migrations and lists them."""


database.add_command(migrate_command, "upgrade")

__all__ = ["createsuperuser_command", "database", "migrate_command", "serve_command", "worker_command"]
