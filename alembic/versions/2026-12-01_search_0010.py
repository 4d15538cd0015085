"""search: fold existing event titles with Unicode case folding, as the app does on every write

Revision 0006 filled ``events.title_folded`` with the database's ``lower()``, which folds ASCII
letters only on SQLite (and is not full case folding on PostgreSQL: "ß" stays "ß"), so events
stored before it kept capital Cyrillic or Polish letters there and a lowercase search missed them.

Revision ID: search
Revises: 0009
Create Date: 2026-12-01 12:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "search"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
EVENTS = sa.table("events", sa.column("id", sa.BigInteger()), sa.column("title"), sa.column("title_folded"))


def upgrade() -> None:
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(EVENTS.c.id, EVENTS.c.title, EVENTS.c.title_folded)
            .where(EVENTS.c.id > last_id)
            .order_by(EVENTS.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        stale = [{"row_id": i, "folded": (t or "").casefold()} for i, t, f in rows if (t or "").casefold() != f]
        if stale:
            connection.execute(
                EVENTS.update().where(EVENTS.c.id == sa.bindparam("row_id")).values(title_folded=sa.bindparam("folded")),
                stale,
            )
        last_id = rows[-1][0]


def downgrade() -> None:
    """Nothing to undo: the case-folded titles are what revision 0009 expects too."""
