"""Tables of the ticketing context."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.base import BigIntAuditBase

LIVE_RESERVATION = text("status IN ('pending', 'confirmed', 'waitlisted')")


class EventModel(BigIntAuditBase):
    __tablename__ = "events"

    owner_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    location: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    image_url: Mapped[str | None] = mapped_column(String(500))
    thumbnail_url: Mapped[str | None] = mapped_column(String(500))
    title_folded: Mapped[str] = mapped_column(String(200), default="")  # kept by models/event_directory.py
    creation_key: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        Index("ix_events_status_starts_at", "status", "starts_at"),
        Index("ix_events_status_starts_at_id", "status", "starts_at", "id"),
        Index("uq_events_creation_key", "creation_key", unique=True),
    )


class ReservationModel(BigIntAuditBase):
    __tablename__ = "reservations"

    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int | None] = mapped_column(Integer)
    ticket_nonce: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    # The holder's idempotency key: one reservation per event, holder and key.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled')", name="status_known"
        ),
        Index("uq_reservations_idempotency_key", "event_id", "user_id", "idempotency_key", unique=True),
        CheckConstraint("(status = 'waitlisted') = (position IS NOT NULL)", name="position_iff_waitlisted"),
        CheckConstraint("checked_in_at IS NULL OR status = 'confirmed'", name="checked_in_confirmed"),
        Index(
            "uq_reservations_live_user_event",
            "event_id",
            "user_id",
            unique=True,
            postgresql_where=LIVE_RESERVATION,
            sqlite_where=LIVE_RESERVATION,
        ),
        Index("ix_reservations_event_status_position", "event_id", "status", "position"),
    )
