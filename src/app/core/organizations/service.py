"""Organization use cases: create (now or as a background job), list, show, manage members."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from app.core.accounts.errors import UserNotFoundError
from app.core.jobs.model import Job
from app.core.organizations.errors import (
    AlreadyMemberError,
    LastMemberError,
    MemberNotFoundError,
    NotOrganizationMemberError,
    OrganizationNotFoundError,
    UnknownUsersError,
)
from app.core.organizations.model import NewOrganization, Organization, OrganizationCard
from app.core.shared.errors import FieldError
from app.core.shared.paging import Page, PageRequest
from app.core.shared.people import ensure_users_exist
from app.core.shared.principal import Principal
from app.ports.clock import Clock
from app.ports.jobs import JobHandler, JobPayload, JobQueue
from app.ports.organizations import OrganizationsUnitOfWork, OrganizationsUnitOfWorkFactory

CREATE_ORGANIZATION_JOB = "create_organization"


class OrganizationsService:
    """Organizations use cases. One public method, one transaction."""

    def __init__(self, *, uow: OrganizationsUnitOfWorkFactory, clock: Clock, jobs: JobQueue | None = None) -> None:
        self._uow, self._clock, self._jobs = uow, clock, jobs

    async def create(self, *, actor: Principal, draft: NewOrganization) -> OrganizationCard:
        """Create an organization.

        Rules: a title is required; every member id names an existing user; the creator is a member.
        """
        organization = self._organization(actor, draft)
        async with self._uow() as uow:
            await _ensure_users_exist(uow, organization.member_ids)
            organization = await uow.organizations.add(organization)
            [card] = await uow.organizations.cards([organization.id])
            await uow.commit()
        return card

    async def request_creation(self, *, actor: Principal, draft: NewOrganization, delay_s: float = 0) -> Job:
        """Create an organization later, in a background job (``Prefer: respond-async``).

        The input is checked now, so a job is only queued for what ``create`` will accept.
        """
        if self._jobs is None:
            raise RuntimeError("OrganizationsService was built without a job queue")
        organization = self._organization(actor, draft)
        async with self._uow() as uow:
            await _ensure_users_exist(uow, organization.member_ids)
        payload = {"actor_id": actor.user_id, "actor_roles": sorted(actor.roles), **asdict(draft)}
        return await self._jobs.enqueue(CREATE_ORGANIZATION_JOB, payload, created_by=actor.user_id, delay_s=delay_s)

    def job_handlers(self) -> dict[str, JobHandler]:
        """The job kinds this service runs, for every worker."""
        return {CREATE_ORGANIZATION_JOB: self.run_creation_job}

    async def run_creation_job(self, payload: JobPayload) -> dict[str, Any]:
        """The ``create_organization`` job handler: creates what ``request_creation`` queued."""
        actor = Principal(user_id=int(payload["actor_id"]), roles=frozenset(payload.get("actor_roles", ())))
        draft = NewOrganization(
            title=str(payload["title"]),
            description=payload.get("description"),
            address=payload.get("address"),
            postcode=payload.get("postcode"),
            member_ids=[int(i) for i in payload.get("member_ids") or ()],
        )
        card = await self.create(actor=actor, draft=draft)
        return {"organization_id": card.organization.id}

    def _organization(self, actor: Principal, draft: NewOrganization) -> Organization:
        return Organization(
            title=draft.title,
            description=draft.description or "",
            address=draft.address or "",
            postcode=draft.postcode or "",
            member_ids=frozenset(draft.member_ids or ()) | {actor.user_id},
            created_by=actor.user_id,
            created_at=self._clock.now(),
        )

    async def list_organizations(
        self, *, actor: Principal, search: str | None, page: PageRequest
    ) -> Page[OrganizationCard]:
        """Every organization (any signed-in user may browse them), ``search`` matching the title."""
        async with self._uow() as uow:
            return await uow.organizations.list_cards(search=(search or "").strip() or None, page=page)

    async def get(self, *, actor: Principal, organization_id: int) -> OrganizationCard:
        """One organization with ``full_address`` and its active members."""
        async with self._uow() as uow:
            cards = await uow.organizations.cards([organization_id])
        if not cards:
            raise OrganizationNotFoundError()
        return cards[0]

    async def add_member(self, *, actor: Principal, organization_id: int, user_id: int) -> OrganizationCard:
        """Add a user to an organization.

        Rules: only its members (or an admin) may; the user exists; not already a member (409).
        """
        async with self._uow() as uow:
            organization = await self._load_for_change(uow, actor, organization_id)
            if await uow.people.get(user_id) is None:
                raise UserNotFoundError()
            if organization.is_member(user_id):
                raise AlreadyMemberError()
            await uow.organizations.add_member(organization_id, user_id)
            [card] = await uow.organizations.cards([organization_id])
            await uow.commit()
        return card

    async def remove_member(self, *, actor: Principal, organization_id: int, user_id: int) -> None:
        """Remove a user from an organization (a member may also leave).

        Rules: only its members (or an admin) may; the last member stays (409 ``last_member``).
        The organization row is locked, so two concurrent removals never empty it.
        """
        async with self._uow() as uow:
            organization = await self._load_for_change(uow, actor, organization_id)
            if not organization.is_member(user_id):
                raise MemberNotFoundError()
            if organization.member_ids == {user_id}:
                raise LastMemberError()
            await uow.organizations.remove_member(organization_id, user_id)
            await uow.commit()

    @staticmethod
    async def _load_for_change(uow: OrganizationsUnitOfWork, actor: Principal, organization_id: int) -> Organization:
        organization = await uow.organizations.get_for_update(organization_id)
        if organization is None:
            raise OrganizationNotFoundError()
        if not organization.is_member(actor.user_id) and not actor.is_admin:
            raise NotOrganizationMemberError()
        return organization


async def _ensure_users_exist(uow: OrganizationsUnitOfWork, user_ids: Iterable[int]) -> None:
    await ensure_users_exist(uow.people, sorted(set(user_ids)), missing=_unknown_users)


def _unknown_users(user_ids: list[int]) -> UnknownUsersError:
    return UnknownUsersError(
        f"No users with ids {', '.join(map(str, user_ids))}.",
        errors=[FieldError("member_ids", f"unknown user id {i}") for i in user_ids],
    )
