"""Every migration upgrades, downgrades and upgrades again, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory

from app.adapters.db.migrations import alembic_config, downgrade, upgrade
from tests.conftest import in_thread


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@pytest.mark.slow
def test_stairway_on_sqlite(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/stairway.db"
    for revision in _revisions():
        in_thread(upgrade, url, revision)
        in_thread(downgrade, url, "-1")
        in_thread(upgrade, url, revision)
    in_thread(downgrade, url, "base")


@pytest.mark.slow
@pytest.mark.postgres
def test_stairway_on_postgres(postgres_url: str) -> None:
    try:
        in_thread(downgrade, postgres_url, "base")
        for revision in _revisions():
            in_thread(upgrade, postgres_url, revision)
            in_thread(downgrade, postgres_url, "-1")
            in_thread(upgrade, postgres_url, revision)
    finally:
        in_thread(upgrade, postgres_url, "heads")


def test_history_has_a_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
