"""The declarative base every ORM model shares, and the metadata Alembic reads."""

from __future__ import annotations

from advanced_alchemy.base import BigIntAuditBase, orm_registry

metadata = orm_registry.metadata

__all__ = ["BigIntAuditBase", "metadata"]
