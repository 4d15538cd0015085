"""SQL storage of expeditions and their members, with the row locks the activation rules need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.db.errors import translate_integrity_error
from app.adapters.db.models.accounts import UserModel
from app.adapters.db.models.expeditions import ExpeditionMemberModel, ExpeditionModel
from app.adapters.db.paging import window
from app.core.expeditions.errors import AlreadyInvitedError
from app.core.expeditions.model import (
    BELONGING_STATUSES,
    Expedition,
    ExpeditionStatus,
    Membership,
    MembershipStatus,
    Person,
)
from app.core.shared.paging import Page, PageRequest

_MEMBER_CONSTRAINTS = {
    "uq_expedition_members_expedition_user": AlreadyInvitedError,
    "expedition_members.expedition_id, expedition_members.user_id": AlreadyInvitedError,
}
Member = ExpeditionMemberModel


def _expedition_from_row(row: ExpeditionModel, members: list[Membership]) -> Expedition:
    return Expedition(
        id=row.id,
        chief_id=row.chief_id,
        title=row.title,
        description=row.description,
        start_at=row.start_at,
        capacity=row.capacity,
        status=ExpeditionStatus(row.status),
        created_at=row.created_at,
        members=members,
    )


def _belongs_to(user_id: int) -> ColumnElement[bool]:
    """The chief, or a member still invited or confirmed."""
    is_member = exists().where(
        Member.expedition_id == ExpeditionModel.id,
        Member.user_id == user_id,
        Member.status.in_([s.value for s in BELONGING_STATUSES]),
    )
    return or_(ExpeditionModel.chief_id == user_id, is_member)


class SqlExpeditionRepository:
    """Expeditions in ``expeditions``, memberships in ``expedition_members`` (one per user and expedition)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # Membership rows loaded in this unit of work, so ``save`` writes back without reading them again.
        self._rows: dict[int, dict[int, ExpeditionMemberModel]] = {}

    async def add(self, expedition: Expedition) -> Expedition:
        row = ExpeditionModel(
            chief_id=expedition.chief_id,
            title=expedition.title,
            description=expedition.description,
            start_at=expedition.start_at,
            capacity=expedition.capacity,
            status=expedition.status.value,
        )
        if expedition.created_at is not None:
            row.created_at = expedition.created_at
        self._session.add(row)
        await self._session.flush()
        self._rows[row.id] = {}
        return _expedition_from_row(row, [])

    async def get(self, expedition_id: int) -> Expedition | None:
        return await self._load(select(ExpeditionModel).where(ExpeditionModel.id == expedition_id))

    async def get_for_update(self, expedition_id: int) -> Expedition | None:
        return await self._load(select(ExpeditionModel).where(ExpeditionModel.id == expedition_id).with_for_update())

    async def save(self, expedition: Expedition) -> None:
        row = await self._session.get_one(ExpeditionModel, expedition.id)
        row.status = expedition.status.value
        stored = self._rows.get(expedition.id)
        if stored is None:
            rows = await self._session.scalars(select(Member).where(Member.expedition_id == expedition.id))
            stored = self._rows[expedition.id] = {member.user_id: member for member in rows}
        added: list[ExpeditionMemberModel] = []
        for membership in expedition.members:
            member = stored.get(membership.user_id)
            if member is None:
                member = Member(expedition_id=expedition.id, user_id=membership.user_id)
                self._session.add(member)
                added.append(member)
            member.status = membership.status.value
            member.invited_at = membership.invited_at
            member.confirmed_at, member.declined_at = membership.confirmed_at, membership.declined_at
        try:
            await self._session.flush()
        except IntegrityError as error:
            translate_integrity_error(error, _MEMBER_CONSTRAINTS)
            raise
        stored.update((member.user_id, member) for member in added)

    async def lock_busy_member_ids(self, expedition_id: int) -> set[int]:
        confirmed = select(Member.user_id).where(
            Member.expedition_id == expedition_id, Member.status == MembershipStatus.CONFIRMED.value
        )
        # One lock per person, always taken in id order: two activations sharing a member queue here,
        # and the second one's query below (a new READ COMMITTED snapshot) sees the first one's commit.
        # FOR NO KEY UPDATE leaves foreign-key inserts that reference the user (KEY SHARE) unblocked.
        await self._session.execute(
            select(UserModel.id)
            .where(UserModel.id.in_(confirmed))
            .order_by(UserModel.id)
            .with_for_update(key_share=True)
        )
        busy = await self._session.scalars(
            select(Member.user_id)
            .join(ExpeditionModel, ExpeditionModel.id == Member.expedition_id)
            .where(
                Member.user_id.in_(confirmed),
                Member.status == MembershipStatus.CONFIRMED.value,
                Member.expedition_id != expedition_id,
                ExpeditionModel.status == ExpeditionStatus.ACTIVE.value,
            )
        )
        return set(busy)

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Expedition]:
        statement = select(ExpeditionModel).where(_belongs_to(user_id)).order_by(ExpeditionModel.id.desc())
        found, counted = await window(self._session, statement, page)
        rows = [row for (row,) in found]
        members = await self._members_of([row.id for row in rows])
        return Page.counted([_expedition_from_row(row, members[row.id]) for row in rows], counted, page)

    async def ids_for_user(self, user_id: int) -> list[int]:
        ids = await self._session.scalars(
            select(ExpeditionModel.id).where(_belongs_to(user_id)).order_by(ExpeditionModel.id)
        )
        return list(ids)

    async def _load(self, statement: Select[ExpeditionModel]) -> Expedition | None:
        row = await self._session.scalar(statement)
        if row is None:
            return None
        return _expedition_from_row(row, (await self._members_of([row.id]))[row.id])

    async def _members_of(self, expedition_ids: Sequence[int]) -> dict[int, list[Membership]]:
        by_expedition: dict[int, list[Membership]] = defaultdict(list)
        if not expedition_ids:
            return by_expedition
        rows = await self._session.execute(
            select(Member, UserModel.name, UserModel.email)
            .join(UserModel, UserModel.id == Member.user_id)
            .where(Member.expedition_id.in_(expedition_ids))
            .order_by(Member.id)
        )
        for expedition_id in expedition_ids:
            self._rows[expedition_id] = {}
        for member, name, email in rows:
            self._rows[member.expedition_id][member.user_id] = member
            by_expedition[member.expedition_id].append(
                Membership(
                    user=Person(id=member.user_id, name=name, email=email),
                    status=MembershipStatus(member.status),
                    invited_at=member.invited_at,
                    confirmed_at=member.confirmed_at,
                    declined_at=member.declined_at,
                )
            )
        return by_expedition
