"""Applying the Alembic history from code (the CLI and the test fixtures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

# An installed wheel carries the history inside the package (app/alembic.ini, app/alembic/); a
# checkout has it at the top of the repository.
_PACKAGE = Path(__file__).resolve().parents[2]
ROOT = _PACKAGE if (_PACKAGE / "alembic.ini").is_file() else _PACKAGE.parents[1]


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "heads") -> list[tuple[str, str]]:
    """Apply pending migrations and return the ``(revision, message)`` of each one applied, in
    order (empty when the database was at ``revision`` already). Runs its own event loop: call it
    from synchronous code."""
    applied: list[tuple[str, str]] = []

    def record(*, step: Any, **_: Any) -> None:
        if step.is_upgrade:
            applied.append((step.up_revision_id, (step.up_revision.doc or "").strip()))

    config = alembic_config(database_url)
    config.attributes["on_version_apply"] = record
    command.upgrade(config, revision)
    return applied


def head_revisions() -> tuple[str, ...]:
    """The revision ids at the head of the history."""
    return tuple(ScriptDirectory.from_config(alembic_config("")).get_heads())


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
