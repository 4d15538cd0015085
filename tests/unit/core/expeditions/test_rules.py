"""The activation, invitation and confirmation rules on their own, in the order they are checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.expeditions.errors import (
    AlreadyInvitedError,
    ChiefNotInvitableError,
    MemberBusyError,
    NotEnoughMembersError,
    OverCapacityError,
    TooEarlyError,
)
from app.core.expeditions.rules import check_activation, check_confirmation, check_invitation

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _activate(**changes: object) -> None:
    facts: dict[str, object] = {
        "start_at": NOW,
        "now": NOW,
        "confirmed_ids": {1, 2},
        "capacity": 2,
        "busy_member_ids": set(),
    }
    facts.update(changes)
    check_activation(**facts)  # type: ignore[arg-type]


def test_activation_passes_when_every_rule_holds_at_the_start_instant() -> None:
    _activate()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"start_at": NOW + timedelta(seconds=1)}, TooEarlyError),
        ({"start_at": NOW + timedelta(days=1), "confirmed_ids": set()}, TooEarlyError),  # time is checked first
        ({"confirmed_ids": {1}}, NotEnoughMembersError),
        ({"confirmed_ids": {1, 2, 3}}, OverCapacityError),
        ({"busy_member_ids": {2, 9}}, MemberBusyError),
    ],
)
def test_activation_refuses_with_the_first_broken_rule(changes: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        _activate(**changes)


def test_member_busy_names_the_lowest_busy_confirmed_member() -> None:
    with pytest.raises(MemberBusyError) as refused:
        _activate(confirmed_ids={4, 7, 9}, capacity=5, busy_member_ids={9, 7, 100})
    assert refused.value.member_id == 7
    assert "7" in refused.value.detail


def test_invitation_rules() -> None:
    check_invitation(chief_id=1, invitee_id=2, member_ids=[3])
    with pytest.raises(ChiefNotInvitableError):
        check_invitation(chief_id=1, invitee_id=1, member_ids=[])
    with pytest.raises(AlreadyInvitedError):
        check_invitation(chief_id=1, invitee_id=3, member_ids=[3])


def test_confirmation_fills_the_last_place_and_no_more() -> None:
    check_confirmation(confirmed_count=4, capacity=5)
    with pytest.raises(OverCapacityError):
        check_confirmation(confirmed_count=5, capacity=5)
