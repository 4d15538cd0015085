"""chat changes: a per-chat change log numbered in commit order, so chat sockets can resume

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_changes",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("at", DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name="fk_chat_changes_chat_id_chats", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name="fk_chat_changes_message_id_messages", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", "seq", name="pk_chat_changes"),
    )
    op.create_index("ix_chat_changes_message_id", "chat_changes", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_changes_message_id", table_name="chat_changes")
    op.drop_table("chat_changes")
