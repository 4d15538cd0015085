"""chat: chats, members with read markers, messages with history, pin and full-text indexes

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23 10:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _audit() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("pair_key", sa.String(length=64), nullable=True),
        sa.Column("room_key", sa.String(length=150), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_chats_created_by_users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
        sa.UniqueConstraint("pair_key", name="uq_chats_private_pair"),
        sa.UniqueConstraint("room_key", name="uq_chats_room_name"),
        sa.CheckConstraint("kind IN ('private', 'group', 'room')", name="ck_chats_kind"),
    )
    op.create_index("ix_chats_kind", "chats", ["kind"])

    op.create_table(
        "chat_members",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("joined_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("last_read_message_id", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("last_delivered_message_id", sa.BigInteger(), nullable=False, server_default="0"),
        *_audit(),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name="fk_chat_members_chat_id_chats", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_chat_members_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_chat_members"),
        sa.UniqueConstraint("chat_id", "user_id", name="uq_chat_members_chat_user"),
    )
    op.create_index("ix_chat_members_user_id", "chat_members", ["user_id"])

    op.create_table(
        "messages",
        sa.Column("id", BIGINT_ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("sender_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("reply_to_id", sa.BigInteger(), nullable=True),
        sa.Column("forwarded_from_id", sa.BigInteger(), nullable=True),
        sa.Column("edited_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("deleted_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("pinned_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("pinned_by", sa.BigInteger(), nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name="fk_messages_chat_id_chats", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["users.id"], name="fk_messages_sender_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
    )
    op.create_index("ix_messages_chat_id_id", "messages", ["chat_id", "id"])
    op.create_index(
        "ix_messages_pinned",
        "messages",
        ["chat_id"],
        postgresql_where=sa.text("pinned_at IS NOT NULL"),
        sqlite_where=sa.text("pinned_at IS NOT NULL"),
    )
    if op.get_context().dialect.name == "postgresql":
        # Full-text search over message text ('simple': no stemming, any language).
        op.execute("CREATE INDEX ix_messages_text_fts ON messages USING gin (to_tsvector('simple', coalesce(text, '')))")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_messages_text_fts")
    op.drop_index("ix_messages_pinned", table_name="messages")
    op.drop_index("ix_messages_chat_id_id", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_chat_members_user_id", table_name="chat_members")
    op.drop_table("chat_members")
    op.drop_index("ix_chats_kind", table_name="chats")
    op.drop_table("chats")
