"""Every ORM model, imported so the metadata knows every table."""

from app.adapters.db.models.accounts import RefreshTokenModel, UserModel
from app.adapters.db.models.chat import ChatMemberModel, ChatModel, MessageModel
from app.adapters.db.models.event_directory import EventOrganizationModel
from app.adapters.db.models.expeditions import ExpeditionMemberModel, ExpeditionModel
from app.adapters.db.models.jobs import JobModel
from app.adapters.db.models.organizations import OrganizationMemberModel, OrganizationModel
from app.adapters.db.models.ticketing import EventModel, ReservationModel

__all__ = [
    "ChatMemberModel",
    "ChatModel",
    "EventModel",
    "ExpeditionMemberModel",
    "ExpeditionModel",
    "JobModel",
    "MessageModel",
    "OrganizationMemberModel",
    "OrganizationModel",
    "RefreshTokenModel",
    "ReservationModel",
    "UserModel",
]
__all__ += ["EventOrganizationModel"]
