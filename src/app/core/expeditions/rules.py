"""The rules an expedition obeys, as pure checks that raise the domain error of the first broken rule."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from app.core.expeditions.errors import (
    AlreadyInvitedError,
    ChiefNotInvitableError,
    MemberBusyError,
    NotEnoughMembersError,
    OverCapacityError,
    TooEarlyError,
)

MIN_CONFIRMED_TO_START = 2


def check_activation(
    *,
    start_at: datetime,
    now: datetime,
    confirmed_ids: Collection[int],
    capacity: int,
    busy_member_ids: Collection[int],
) -> None:
    """``ready → active`` needs: start reached, ≥ 2 confirmed, confirmed ≤ capacity, nobody busy elsewhere."""
    if start_at > now:
        raise TooEarlyError()
    if len(confirmed_ids) < MIN_CONFIRMED_TO_START:
        raise NotEnoughMembersError()
    if len(confirmed_ids) > capacity:
        raise OverCapacityError()
    busy = sorted(set(confirmed_ids) & set(busy_member_ids))
    if busy:
        raise MemberBusyError(busy[0])


def check_invitation(*, chief_id: int, invitee_id: int, member_ids: Collection[int]) -> None:
    """The chief is never invited to their own expedition, and nobody is invited twice."""
    if invitee_id == chief_id:
        raise ChiefNotInvitableError()
    if invitee_id in member_ids:
        raise AlreadyInvitedError()


def check_confirmation(*, confirmed_count: int, capacity: int) -> None:
    """A confirmation that would take the expedition beyond its capacity is refused."""
    if confirmed_count + 1 > capacity:
        raise OverCapacityError("The expedition is full.")
