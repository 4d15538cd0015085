"""Tables of the organizations context."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.base import BigIntAuditBase


class OrganizationModel(BigIntAuditBase):
    """On PostgreSQL the migration adds ``ix_organizations_title_trgm``, a trigram index on ``lower(title)``."""

    __tablename__ = "organizations"

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))


class OrganizationMemberModel(BigIntAuditBase):
    __tablename__ = "organization_members"

    organization_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)

    __table_args__ = (UniqueConstraint("organization_id", "user_id", name="uq_organization_members_pair"),)
