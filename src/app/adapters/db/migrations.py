"""Applying the Alembic history from code (the CLI and the test fixtures)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

# An installed wheel carries the history inside the package (app/alembic.ini, app/alembic/); a
# checkout has it at the top of the repository.
_PACKAGE = Path(__file__).resolve().parents[2]
ROOT = _PACKAGE if (_PACKAGE / "alembic.ini").is_file() else _PACKAGE.parents[1]


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Apply pending migrations. Runs its own event loop: call it from synchronous code."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
