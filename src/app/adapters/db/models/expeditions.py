"""Tables of the expeditions context."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.base import BigIntAuditBase

EXPEDITION_STATUSES = ("draft", "ready", "active", "finished", "cancelled")
MEMBERSHIP_STATUSES = ("invited", "confirmed", "declined")
# Check constraints are named through the metadata convention: ck_<table>_<name>.


class ExpeditionModel(BigIntAuditBase):
    __tablename__ = "expeditions"

    chief_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    start_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")

    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint(f"status IN {EXPEDITION_STATUSES}", name="status_known"),
    )


class ExpeditionMemberModel(BigIntAuditBase):
    __tablename__ = "expedition_members"

    expedition_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("expeditions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="invited")
    invited_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    declined_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))

    __table_args__ = (
        UniqueConstraint("expedition_id", "user_id", name="uq_expedition_members_expedition_user"),
        CheckConstraint(f"status IN {MEMBERSHIP_STATUSES}", name="status_known"),
        Index("ix_expedition_members_user_status", "user_id", "status"),
    )
