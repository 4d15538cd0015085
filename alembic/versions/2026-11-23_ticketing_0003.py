"""ticketing: events and reservations

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 11:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LIVE_RESERVATION = sa.text("status IN ('pending', 'confirmed', 'waitlisted')")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("published_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("cancelled_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("capacity > 0", name="ck_events_capacity_positive"),
        sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="ck_events_status_known"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_events_owner_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_owner_id", "events", ["owner_id"], unique=False)
    op.create_index("ix_events_status_starts_at", "events", ["status", "starts_at"], unique=False)

    op.create_table(
        "reservations",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("ticket_nonce", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("cancelled_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("checked_in_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled')",
            name="ck_reservations_status_known",
        ),
        sa.CheckConstraint(
            "(status = 'waitlisted') = (position IS NOT NULL)", name="ck_reservations_position_iff_waitlisted"
        ),
        sa.CheckConstraint(
            "checked_in_at IS NULL OR status = 'confirmed'", name="ck_reservations_checked_in_confirmed"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_reservations_event_id_events", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_reservations_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_reservations"),
    )
    op.create_index("ix_reservations_user_id", "reservations", ["user_id"], unique=False)
    op.create_index(
        "ix_reservations_event_status_position", "reservations", ["event_id", "status", "position"], unique=False
    )
    # One live (pending, confirmed or waitlisted) reservation per user and event.
    op.create_index(
        "uq_reservations_live_user_event",
        "reservations",
        ["event_id", "user_id"],
        unique=True,
        postgresql_where=LIVE_RESERVATION,
        sqlite_where=LIVE_RESERVATION,
    )


def downgrade() -> None:
    op.drop_index("uq_reservations_live_user_event", table_name="reservations")
    op.drop_index("ix_reservations_event_status_position", table_name="reservations")
    op.drop_index("ix_reservations_user_id", table_name="reservations")
    op.drop_table("reservations")
    op.drop_index("ix_events_status_starts_at", table_name="events")
    op.drop_index("ix_events_owner_id", table_name="events")
    op.drop_table("events")
