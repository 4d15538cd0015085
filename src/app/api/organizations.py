"""Organizations endpoints: create (now, or deferred with ``Prefer: respond-async``), list, show, members."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from litestar.types import ControllerRouterHandler

from app.api.bounds import text_query
from app.api.jobs import ACCEPTED_JOB, Prefer, accepted_job, wants_async
from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.jobs import JobOut
from app.api.schemas.organizations import MemberAdd, OrganizationCreate, OrganizationOut
from app.core.organizations.service import OrganizationsService
from app.core.shared.principal import Principal

Search = Annotated[str | None, text_query("Matches the title.")]


class OrganizationController(Controller):
    path = "/api/organizations"
    tags = ["organizations"]

    @post("/", operation_id="CreateOrganization", status_code=HTTP_201_CREATED, responses=ACCEPTED_JOB)
    async def create(
        self,
        data: JSONBody[OrganizationCreate],
        principal: NamedDependency[Principal],
        organizations: NamedDependency[OrganizationsService],
        prefer: Prefer = None,
    ) -> Response[OrganizationOut | JobOut]:
        """Create an organization; the creator is a member, ``member_ids`` name the other members.

        With ``Prefer: respond-async`` the answer is 202 with a job and ``Location: /api/jobs/{id}/``;
        poll the job until ``status`` is ``done``, its ``result.organization_id`` names the organization.
        """
        draft = data.draft()
        if wants_async(prefer):
            job = await organizations.request_creation(actor=principal, draft=draft)
            return accepted_job(JobOut.of(job))  # type: ignore[return-value]
        card = await organizations.create(actor=principal, draft=draft)
        return Response(OrganizationOut.of(card), status_code=HTTP_201_CREATED)

    @get("/", operation_id="ListOrganizations")
    async def list_organizations(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        organizations: NamedDependency[OrganizationsService],
        search: Search = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[OrganizationOut]:
        """Every organization with its active members, ``?search=`` matching the title."""
        page = await organizations.list_organizations(actor=principal, search=search, page=page_request(limit, offset))
        return page_out(request, page, OrganizationOut.of)

    @get("/{organization_id:int}/", operation_id="GetOrganization")
    async def detail(
        self,
        organization_id: FromPath[int],
        principal: NamedDependency[Principal],
        organizations: NamedDependency[OrganizationsService],
    ) -> OrganizationOut:
        """One organization: ``full_address`` (postcode and address joined) and its active members."""
        return OrganizationOut.of(await organizations.get(actor=principal, organization_id=organization_id))

    @post("/{organization_id:int}/members/", operation_id="AddOrganizationMember", status_code=HTTP_201_CREATED)
    async def add_member(
        self,
        organization_id: FromPath[int],
        data: JSONBody[MemberAdd],
        principal: NamedDependency[Principal],
        organizations: NamedDependency[OrganizationsService],
    ) -> OrganizationOut:
        """Members (and admins) add a user; 409 ``already_member``, 404 ``user_not_found``."""
        card = await organizations.add_member(actor=principal, organization_id=organization_id, user_id=data.user_id)
        return OrganizationOut.of(card)

    @delete(
        "/{organization_id:int}/members/{user_id:int}/",
        operation_id="RemoveOrganizationMember",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove_member(
        self,
        organization_id: FromPath[int],
        user_id: FromPath[int],
        principal: NamedDependency[Principal],
        organizations: NamedDependency[OrganizationsService],
    ) -> None:
        """Members (and admins) remove a user, or leave; the last member stays (409 ``last_member``)."""
        await organizations.remove_member(actor=principal, organization_id=organization_id, user_id=user_id)


ROUTES: list[ControllerRouterHandler] = [OrganizationController]
