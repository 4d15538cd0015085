"""expeditions: expeditions and their members

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:20:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "expeditions",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("chief_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_expeditions_capacity_positive")),
        sa.CheckConstraint(
            "status IN ('draft', 'ready', 'active', 'finished', 'cancelled')",
            name=op.f("ck_expeditions_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["chief_id"], ["users.id"], name=op.f("fk_expeditions_chief_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expeditions")),
    )
    op.create_index(op.f("ix_expeditions_chief_id"), "expeditions", ["chief_id"], unique=False)

    op.create_table(
        "expedition_members",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("expedition_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("invited_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("confirmed_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("declined_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('invited', 'confirmed', 'declined')", name=op.f("ck_expedition_members_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["expedition_id"],
            ["expeditions.id"],
            name=op.f("fk_expedition_members_expedition_id_expeditions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_expedition_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expedition_members")),
        sa.UniqueConstraint("expedition_id", "user_id", name="uq_expedition_members_expedition_user"),
    )
    op.create_index(
        "ix_expedition_members_user_status", "expedition_members", ["user_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_expedition_members_user_status", table_name="expedition_members")
    op.drop_table("expedition_members")
    op.drop_index(op.f("ix_expeditions_chief_id"), table_name="expeditions")
    op.drop_table("expeditions")
