"""Tables of the event directory: which organizations organize an event, and the folded title search
compares with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.base import BigIntAuditBase
from app.adapters.db.models.ticketing import EventModel
from app.core.event_directory.listing import fold


class EventOrganizationModel(BigIntAuditBase):
    """One organization organizing one event (an event may have several, an organization many)."""

    __tablename__ = "event_organizations"

    event_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("events.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id", ondelete="CASCADE"))

    __table_args__ = (
        UniqueConstraint("event_id", "organization_id", name="uq_event_organizations_pair"),
        Index("ix_event_organizations_organization_id_event_id", "organization_id", "event_id"),
    )


@event.listens_for(EventModel, "before_insert")
@event.listens_for(EventModel, "before_update")
def _fold_title(_mapper: Any, _connection: Any, row: EventModel) -> None:
    """Keep ``title_folded`` (what ``?search=`` compares with) in step with the title."""
    row.title_folded = fold(row.title or "")
