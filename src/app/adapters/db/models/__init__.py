"""Every ORM model, imported so the metadata knows every table."""

from app.adapters.db.models.accounts import RefreshTokenModel, UserModel
from app.adapters.db.models.expeditions import ExpeditionMemberModel, ExpeditionModel
from app.adapters.db.models.jobs import JobModel
from app.adapters.db.models.organizations import OrganizationMemberModel, OrganizationModel
from app.adapters.db.models.ticketing import EventModel, ReservationModel

__all__ = [
    "EventModel",
    "ExpeditionMemberModel",
    "ExpeditionModel",
    "JobModel",
    "OrganizationMemberModel",
    "OrganizationModel",
    "RefreshTokenModel",
    "ReservationModel",
    "UserModel",
]
