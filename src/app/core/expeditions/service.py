"""Expedition use cases. One public method, one transaction; events are published after the commit."""

from __future__ import annotations

from datetime import datetime

from app.core.accounts.errors import UserNotFoundError
from app.core.expeditions.domain_events import ExpeditionCreated
from app.core.expeditions.errors import ChiefRoleRequiredError, ExpeditionNotFoundError, SubscriptionForbiddenError
from app.core.expeditions.model import Expedition, ExpeditionStatus, Membership, Person
from app.core.shared.errors import InvalidInputError
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal, Role
from app.ports.clock import Clock
from app.ports.expeditions import ExpeditionsUnitOfWorkFactory
from app.ports.notifier import Notifier


class ExpeditionService:
    """Expedition use cases. One public method, one transaction."""

    def __init__(self, uow: ExpeditionsUnitOfWorkFactory, notifier: Notifier, clock: Clock) -> None:
        self._uow, self._notifier, self._clock = uow, notifier, clock

    async def create(
        self, *, actor: Principal, title: str, start_at: datetime, capacity: int, description: str = ""
    ) -> Expedition:
        """Plan a new expedition in ``draft``; the caller becomes its chief (whose live sockets follow it).

        Rules: only users with the chief role create expeditions; the title is not blank.
        """
        if not actor.has_role(Role.CHIEF):
            raise ChiefRoleRequiredError()
        if not title.strip():
            raise InvalidInputError("The title must not be blank.")
        expedition = Expedition(
            chief_id=actor.user_id,
            title=title.strip(),
            description=description.strip(),
            start_at=start_at,
            capacity=capacity,
            created_at=self._clock.now(),
        )
        async with self._uow() as uow:
            expedition = await uow.expeditions.add(expedition)
            await uow.commit()
        await self._notifier.publish(
            ExpeditionCreated(expedition_id=expedition.id, chief_id=expedition.chief_id, title=expedition.title)
        )
        return expedition

    async def get(self, *, actor: Principal, expedition_id: int) -> Expedition:
        """One expedition, for its chief and members (others: not found)."""
        async with self._uow() as uow:
            return _visible(await uow.expeditions.get(expedition_id), actor)

    async def list_mine(self, *, actor: Principal, page: PageRequest) -> Page[Expedition]:
        """The expeditions the caller leads or is invited to or confirmed in."""
        async with self._uow() as uow:
            return await uow.expeditions.list_for_user(actor.user_id, page)

    async def members(self, *, actor: Principal, expedition_id: int) -> list[Membership]:
        """The memberships of an expedition, for its chief and members."""
        return (await self.get(actor=actor, expedition_id=expedition_id)).members

    async def change_status(self, *, actor: Principal, expedition_id: int, target: ExpeditionStatus) -> Expedition:
        """Move an expedition through draft → ready → active → finished, or cancel it.

        Rules: chief only; activation needs start reached, ≥ 2 confirmed, confirmed ≤ capacity,
        and no confirmed member in another active expedition.
        """
        async with self._uow() as uow:
            expedition = _visible(await uow.expeditions.get_for_update(expedition_id), actor)
            busy: set[int] = set()
            if target is ExpeditionStatus.ACTIVE:
                expedition.ensure_chief(actor)
                busy = await uow.expeditions.lock_busy_member_ids(expedition_id)
            changed = expedition.change_status(target, actor=actor, now=self._clock.now(), busy_member_ids=busy)
            await uow.expeditions.save(expedition)
            await uow.commit()
        await self._notifier.publish(changed)  # after commit: never for a rolled-back change
        return expedition

    async def invite_member(self, *, actor: Principal, expedition_id: int, user_id: int) -> Membership:
        """Invite a user to an expedition.

        Rules: chief only; the expedition is draft or ready; the user exists, is not the chief and
        is not invited already.
        """
        async with self._uow() as uow:
            expedition = _visible(await uow.expeditions.get_for_update(expedition_id), actor)
            expedition.ensure_chief(actor)
            invitee = await uow.people.get(user_id)
            if invitee is None:
                raise UserNotFoundError()
            invited = expedition.invite(
                Person(id=invitee.id, name=invitee.name, email=invitee.email), actor=actor, now=self._clock.now()
            )
            await uow.expeditions.save(expedition)
            await uow.commit()
        await self._notifier.publish(invited)
        return _membership(expedition, user_id)

    async def confirm_invitation(self, *, actor: Principal, expedition_id: int) -> Membership:
        """Accept an invitation.

        Rules: only the invited user, once; the expedition is draft or ready; confirmed members
        never exceed the capacity, even when many confirm at the same instant.
        """
        async with self._uow() as uow:
            expedition = _visible(await uow.expeditions.get_for_update(expedition_id), actor)
            confirmed = expedition.confirm(actor=actor, now=self._clock.now())
            await uow.expeditions.save(expedition)
            await uow.commit()
        await self._notifier.publish(confirmed)
        return _membership(expedition, actor.user_id)

    async def decline_invitation(self, *, actor: Principal, expedition_id: int) -> Membership:
        """Refuse an invitation. Rules: only the invited user, once, while the expedition is draft or ready."""
        async with self._uow() as uow:
            expedition = _visible(await uow.expeditions.get_for_update(expedition_id), actor)
            declined = expedition.decline(actor=actor, now=self._clock.now())
            await uow.expeditions.save(expedition)
            await uow.commit()
        await self._notifier.publish(declined)
        return _membership(expedition, actor.user_id)

    async def expedition_ids_of(self, *, actor: Principal) -> list[int]:
        """Every expedition the caller belongs to: what a live socket follows from the start."""
        async with self._uow() as uow:
            return await uow.expeditions.ids_for_user(actor.user_id)

    async def check_follow(self, *, actor: Principal, expedition_id: int) -> None:
        """Refuse (``forbidden``) to stream an expedition the caller does not belong to."""
        async with self._uow() as uow:
            expedition = await uow.expeditions.get(expedition_id)
        if expedition is None or not (actor.is_admin or expedition.belongs(actor.user_id)):
            raise SubscriptionForbiddenError()


def _visible(expedition: Expedition | None, actor: Principal) -> Expedition:
    if expedition is None:
        raise ExpeditionNotFoundError()
    expedition.ensure_visible(actor)
    return expedition


def _membership(expedition: Expedition, user_id: int) -> Membership:
    membership = expedition.membership_of(user_id)
    assert membership is not None  # the aggregate just recorded it
    return membership
