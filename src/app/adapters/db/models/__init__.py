"""Every ORM model, imported so the metadata knows every table."""

from app.adapters.db.models.accounts import RefreshTokenModel, UserModel
from app.adapters.db.models.jobs import JobModel
from app.adapters.db.models.organizations import OrganizationMemberModel, OrganizationModel

__all__ = ["RefreshTokenModel", "UserModel"]
__all__ += ["JobModel", "OrganizationMemberModel", "OrganizationModel"]
