"""Errors of the expeditions context, each with its API code."""

from __future__ import annotations

from app.core.shared.errors import NotAllowedError, NotFoundError, RuleViolationError


class ExpeditionNotFoundError(NotFoundError):
    """Also raised for an expedition the caller does not belong to."""

    code = "expedition_not_found"
    default_detail = "Expedition not found."


class ChiefRoleRequiredError(NotAllowedError):
    code = "chief_role_required"
    default_detail = "Only users with the chief role may create expeditions."


class NotChiefError(NotAllowedError):
    code = "not_chief"
    default_detail = "Only the chief of this expedition may do this."


class NotInvitedError(NotAllowedError):
    code = "not_invited"
    default_detail = "Only the invited user may answer this invitation."


class SubscriptionForbiddenError(NotAllowedError):
    code = "forbidden"
    default_detail = "You do not belong to this expedition."


class InvalidTransitionError(RuleViolationError):
    code = "invalid_transition"
    default_detail = "This status change is not allowed."


class TooEarlyError(RuleViolationError):
    code = "too_early"
    default_detail = "The expedition cannot start before its start time."


class NotEnoughMembersError(RuleViolationError):
    code = "not_enough_members"
    default_detail = "At least 2 confirmed members are needed to start."


class OverCapacityError(RuleViolationError):
    code = "over_capacity"
    default_detail = "More members confirmed than the expedition has places for."


class MemberBusyError(RuleViolationError):
    """A confirmed member is already on another active expedition; ``member_id`` names them."""

    code = "member_busy"
    extra_fields = ("member_id",)

    def __init__(self, member_id: int, detail: str | None = None) -> None:
        super().__init__(detail or f"User {member_id} is confirmed in another active expedition.")
        self.member_id = member_id


class AlreadyInvitedError(RuleViolationError):
    code = "already_invited"
    default_detail = "This user is already invited to the expedition."


class ChiefNotInvitableError(RuleViolationError):
    code = "chief_not_invitable"
    default_detail = "The chief leads the expedition and cannot be invited to it."


class AlreadyRespondedError(RuleViolationError):
    code = "already_responded"
    default_detail = "This invitation has already been answered."


class ExpeditionClosedError(RuleViolationError):
    code = "expedition_closed"
    default_detail = "Invitations are answered only while the expedition is a draft or ready."
