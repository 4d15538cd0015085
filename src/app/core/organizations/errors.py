"""Errors of the organizations context, each with its API code."""

from __future__ import annotations

from app.core.shared.errors import InvalidInputError, NotAllowedError, NotFoundError, RuleViolationError


class OrganizationNotFoundError(NotFoundError):
    code = "organization_not_found"
    default_detail = "No such organization."


class NotOrganizationMemberError(NotAllowedError):
    code = "not_organization_member"
    default_detail = "Only members of this organization may change its members."


class AlreadyMemberError(RuleViolationError):
    code = "already_member"
    default_detail = "This user is already a member of the organization."


class MemberNotFoundError(NotFoundError):
    code = "member_not_found"
    default_detail = "This user is not a member of the organization."


class LastMemberError(RuleViolationError):
    code = "last_member"
    default_detail = "An organization keeps at least one member; add another before removing this one."


class UnknownUsersError(InvalidInputError):
    code = "unknown_users"
    default_detail = "Some of the given users do not exist."


class InvalidOrganizationError(InvalidInputError):
    code = "invalid_organization"
    default_detail = "The organization needs a title."
