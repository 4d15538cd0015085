"""Tables of the chat context."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.base import BigIntAuditBase, metadata


class ChatModel(BigIntAuditBase):
    __tablename__ = "chats"

    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(150))
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))
    # "low:high" user ids of a private chat: one private chat per pair.
    pair_key: Mapped[str | None] = mapped_column(String(64))
    # The case-folded room name: room names are unique.
    room_key: Mapped[str | None] = mapped_column(String(150))
    password_hash: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (
        UniqueConstraint("pair_key", name="uq_chats_private_pair"),
        UniqueConstraint("room_key", name="uq_chats_room_name"),
        Index("ix_chats_kind", "kind"),
    )


class ChatMemberModel(BigIntAuditBase):
    __tablename__ = "chat_members"

    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_read_message_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_delivered_message_id: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        UniqueConstraint("chat_id", "user_id", name="uq_chat_members_chat_user"),
        Index("ix_chat_members_user_id", "user_id"),
    )


class MessageModel(BigIntAuditBase):
    __tablename__ = "messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("chats.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str | None] = mapped_column(Text)
    reply_to_id: Mapped[int | None] = mapped_column(BigInteger)
    forwarded_from_id: Mapped[int | None] = mapped_column(BigInteger)
    edited_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    pinned_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    pinned_by: Mapped[int | None] = mapped_column(BigInteger)
    # The sender's idempotency key: one message per chat, sender and key.
    client_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("uq_messages_client_id", "chat_id", "sender_id", "client_id", unique=True),
        # History pages and unread counts are range scans of this index, whatever the chat's size.
        Index("ix_messages_chat_id_id", "chat_id", "id"),
        Index(
            "ix_messages_pinned",
            "chat_id",
            postgresql_where=sql("pinned_at IS NOT NULL"),
            sqlite_where=sql("pinned_at IS NOT NULL"),
        ),
    )


# Each chat's change log, numbered from 1 per chat (no surrogate key: (chat, seq) is the key).
chat_changes = Table(
    "chat_changes",
    metadata,
    Column("chat_id", BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("message_id", BigInteger, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("actor_id", BigInteger, nullable=False),
    Column("text", Text, nullable=True),
    Column("at", DateTimeUTC(timezone=True), nullable=False),
    Index("ix_chat_changes_message_id", "message_id"),
)
