"""directory: events organized by several organizations, event images, title search and list indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("image_url", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("thumbnail_url", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("title_folded", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("creation_key", sa.String(length=64), nullable=True))
    # Existing titles: lower() is the database's nearest to Python's casefold(); the app keeps it from now on.
    op.execute("UPDATE events SET title_folded = lower(title)")
    op.create_index("ix_events_status_starts_at_id", "events", ["status", "starts_at", "id"], unique=False)
    op.create_index("uq_events_creation_key", "events", ["creation_key"], unique=True)
    op.create_table(
        "event_organizations",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_organizations_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_event_organizations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_organizations")),
        sa.UniqueConstraint("event_id", "organization_id", name="uq_event_organizations_pair"),
    )
    op.create_index(
        "ix_event_organizations_organization_id_event_id",
        "event_organizations",
        ["organization_id", "event_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_event_organizations_organization_id_event_id", table_name="event_organizations")
    op.drop_table("event_organizations")
    op.drop_index("uq_events_creation_key", table_name="events")
    op.drop_index("ix_events_status_starts_at_id", table_name="events")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): the events table is not rebuilt, so the
    # rows that reference it stay.
    for column in ("creation_key", "title_folded", "thumbnail_url", "image_url"):
        op.drop_column("events", column)
