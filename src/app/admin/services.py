"""The core services the panel drives."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.accounts.admin.service import UserAdminService
from app.core.accounts.service import AccountsService
from app.core.chat.service import ChatService
from app.core.expeditions.service import ExpeditionService
from app.core.jobs.service import JobsService
from app.core.organizations.service import OrganizationsService
from app.core.ticketing.services.booking import BookingService
from app.core.ticketing.services.events import EventService


@dataclass(frozen=True, slots=True, kw_only=True)
class PanelServices:
    accounts: AccountsService
    user_admin: UserAdminService
    events: EventService
    booking: BookingService
    expeditions: ExpeditionService
    organizations: OrganizationsService
    chat: ChatService
    jobs: JobsService
