"""Every ORM model, imported so the metadata knows every table."""

from app.adapters.db.models.accounts import RefreshTokenModel, UserModel

__all__ = ["RefreshTokenModel", "UserModel"]
