"""Every ORM model, imported so the metadata knows every table."""

from app.adapters.db.models.accounts import RefreshTokenModel, UserModel
from app.adapters.db.models.expeditions import ExpeditionMemberModel, ExpeditionModel

__all__ = ["RefreshTokenModel", "UserModel"]
__all__ += ["ExpeditionMemberModel", "ExpeditionModel"]
