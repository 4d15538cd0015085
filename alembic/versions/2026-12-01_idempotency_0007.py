"""idempotency: client-chosen keys on messages and reservations, one row per key

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added columns and unique indexes: neither table is rebuilt on SQLite.
    op.add_column("messages", sa.Column("client_id", sa.String(length=64), nullable=True))
    op.create_index("uq_messages_client_id", "messages", ["chat_id", "sender_id", "client_id"], unique=True)
    op.add_column("reservations", sa.Column("idempotency_key", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_reservations_idempotency_key", "reservations", ["event_id", "user_id", "idempotency_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_reservations_idempotency_key", table_name="reservations")
    op.drop_column("reservations", "idempotency_key")
    op.drop_index("uq_messages_client_id", table_name="messages")
    op.drop_column("messages", "client_id")
