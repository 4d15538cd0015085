"""Revision ``search`` folds the titles that revision 0006 filled with SQLite's ASCII-only lower()."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.adapters.db.migrations import upgrade
from tests.conftest import in_thread

TITLES = ["СЛЁТ ТУРИСТОВ", "Zażółć GĘŚLĄ", "Straße", "plain"]


def test_upgrade_folds_every_existing_title(tmp_path: Path) -> None:
    path = tmp_path / "backfill.db"
    url = f"sqlite+aiosqlite:///{path}"
    in_thread(upgrade, url, "0009")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO users (id, email, name, password_hash, is_active, is_chief, is_organizer, is_admin,"
            " created_at, updated_at) VALUES (1, 'o@example.com', 'O', 'h', 1, 0, 1, 0, '2026-01-01', '2026-01-01')"
        )
        for n, title in enumerate(TITLES, start=1):
            db.execute(
                "INSERT INTO events (id, owner_id, title, description, starts_at, location, capacity,"
                " requires_approval, status, created_at, updated_at, title_folded) VALUES"
                " (?, 1, ?, '', '2027-01-01', '', 5, 0, 'published', '2026-01-01', '2026-01-01', lower(?))",
                (n, title, title),
            )
        assert db.execute("SELECT title_folded FROM events WHERE id = 1").fetchone() == ("СЛЁТ ТУРИСТОВ",)

    in_thread(upgrade, url, "search")

    with sqlite3.connect(path) as db:
        folded = [row[0] for row in db.execute("SELECT title_folded FROM events ORDER BY id")]
    assert folded == ["слёт туристов", "zażółć gęślą", "strasse", "plain"]
