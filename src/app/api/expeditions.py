"""Expeditions endpoints: plan, invite, answer, and move through draft → ready → active → finished."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK
from litestar.types import ControllerRouterHandler

from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.expeditions import (
    ExpeditionCreate,
    ExpeditionOut,
    Invitation,
    MembershipOut,
    StatusChange,
)
from app.core.expeditions.model import ExpeditionStatus
from app.core.expeditions.service import ExpeditionService
from app.core.shared.principal import Principal

ExpeditionId = Annotated[int, PathParameter(description="The expedition's id (out of range: 404).")]


class ExpeditionController(Controller):
    path = "/api/expeditions"
    tags = ["expeditions"]

    @get("/", operation_id="ListExpeditions")
    async def list_mine(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[ExpeditionOut]:
        """Expeditions the caller leads or is invited to or confirmed in, newest first."""
        page = await expeditions.list_mine(actor=principal, page=page_request(limit, offset))
        return page_out(request, page, ExpeditionOut.of)

    @post("/", operation_id="CreateExpedition")
    async def create(
        self,
        data: JSONBody[ExpeditionCreate],
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
    ) -> ExpeditionOut:
        """Plan an expedition (chiefs only); it starts as ``draft`` and the caller is its chief."""
        expedition = await expeditions.create(
            actor=principal,
            title=data.title,
            description=data.description,
            start_at=data.start_at,
            capacity=data.capacity,
        )
        return ExpeditionOut.of(expedition)

    @get("/{expedition_id:int}/", operation_id="GetExpedition")
    async def detail(
        self,
        expedition_id: ExpeditionId,
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
    ) -> ExpeditionOut:
        """One expedition with its members, for its chief and members (404 for anyone else)."""
        return ExpeditionOut.of(await expeditions.get(actor=principal, expedition_id=expedition_id))

    @post("/{expedition_id:int}/status/", operation_id="ChangeExpeditionStatus", status_code=HTTP_200_OK)
    async def change_status(
        self,
        expedition_id: ExpeditionId,
        data: JSONBody[StatusChange],
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
    ) -> ExpeditionOut:
        """Chief only. ``draft → ready → active → finished``; draft and ready may be ``cancelled``.
        Activation needs the start time reached (``too_early``), at least 2 confirmed members
        (``not_enough_members``), confirmed ≤ capacity (``over_capacity``) and no confirmed member
        in another active expedition (``member_busy``, with ``member_id``). Other moves: ``invalid_transition``."""
        expedition = await expeditions.change_status(
            actor=principal, expedition_id=expedition_id, target=ExpeditionStatus(data.status)
        )
        return ExpeditionOut.of(expedition)

    @post("/{expedition_id:int}/invite/", operation_id="InviteMember")
    async def invite(
        self,
        expedition_id: ExpeditionId,
        data: JSONBody[Invitation],
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
    ) -> MembershipOut:
        """Chief only, while draft or ready: invite a user (``already_invited``, ``chief_not_invitable``,
        ``user_not_found``, ``expedition_closed``). The invitee's sockets start following the expedition."""
        membership = await expeditions.invite_member(actor=principal, expedition_id=expedition_id, user_id=data.user_id)
        return MembershipOut.of(membership)

    @post("/{expedition_id:int}/confirm/", operation_id="ConfirmParticipation", status_code=HTTP_200_OK)
    async def confirm(
        self,
        expedition_id: ExpeditionId,
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
    ) -> MembershipOut:
        """The invited user accepts, once (``not_invited``, ``already_responded``, ``expedition_closed``);
        refused with ``over_capacity`` when the expedition is full."""
        return MembershipOut.of(await expeditions.confirm_invitation(actor=principal, expedition_id=expedition_id))

    @post("/{expedition_id:int}/decline/", operation_id="DeclineInvitation", status_code=HTTP_200_OK)
    async def decline(
        self,
        expedition_id: ExpeditionId,
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
    ) -> MembershipOut:
        """The invited user refuses, once; afterwards the expedition is no longer theirs to see."""
        return MembershipOut.of(await expeditions.decline_invitation(actor=principal, expedition_id=expedition_id))

    @get("/{expedition_id:int}/members/", operation_id="ListExpeditionMembers")
    async def members(
        self,
        expedition_id: ExpeditionId,
        principal: NamedDependency[Principal],
        expeditions: NamedDependency[ExpeditionService],
    ) -> list[MembershipOut]:
        """Everyone invited, with their answer, for the chief and members."""
        memberships = await expeditions.members(actor=principal, expedition_id=expedition_id)
        return [MembershipOut.of(m) for m in memberships]


ROUTES: list[ControllerRouterHandler] = [ExpeditionController]
