"""The command line: ``muster`` (``python -m app``) with ``serve``, ``migrate``, ``createsuperuser``
and ``worker``; the same commands are added to the Litestar CLI (``litestar migrate``...), which
finds the app by itself (see ``app.cli.litestar``)."""

from __future__ import annotations

import click

from app.cli.commands import COMMANDS
from app.observability import muster_version


@click.group(name="muster", help="Muster: expeditions, events, organizations, chat.")
@click.version_option(muster_version(), "--version", "-V", prog_name="muster", message="%(prog)s %(version)s")
def muster() -> None:
    """The root group; every command reads its settings from the environment and ``.env``."""


for _command in COMMANDS:
    muster.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run ``muster`` with ``argv`` (default: the process's arguments) and return its exit code."""
    try:
        muster.main(args=argv, prog_name="muster", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        return 1
    return 0


__all__ = ["main", "muster"]
