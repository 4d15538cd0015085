"""Errors of the accounts context, each with its API code."""

from __future__ import annotations

from app.core.shared.errors import (
    InvalidInputError,
    NotAllowedError,
    NotAuthenticatedError,
    NotFoundError,
    RuleViolationError,
)


class InvalidEmailError(InvalidInputError):
    code = "invalid_email"
    default_detail = "Enter a valid e-mail address."


class InvalidPhoneError(InvalidInputError):
    code = "invalid_phone"
    default_detail = "Enter the phone number in international (E.164) form, e.g. +48123456789."


class WeakPasswordError(InvalidInputError):
    code = "weak_password"
    default_detail = "The password must have at least 8 characters."


class InvalidRoleError(InvalidInputError):
    code = "invalid_role"
    default_detail = "That role cannot be chosen here."


class EmailTakenError(RuleViolationError):
    code = "email_taken"
    default_detail = "A user with this e-mail address already exists."


class UsernameTakenError(RuleViolationError):
    code = "username_taken"
    default_detail = "This username is taken."


class UserNotFoundError(NotFoundError):
    code = "user_not_found"
    default_detail = "No such user."


class InvalidCredentialsError(NotAuthenticatedError):
    code = "invalid_credentials"
    default_detail = "No active account matches these credentials."


class InactiveAccountError(NotAllowedError):
    code = "inactive_account"
    default_detail = "This account is not active yet; open the link in the activation e-mail."


class AdminOnlyError(NotAllowedError):
    code = "admin_only"
    default_detail = "Only administrators may do this."


class TokenMissingError(NotAuthenticatedError):
    code = "not_authenticated"
    default_detail = "Authentication credentials were not provided."


class TokenInvalidError(NotAuthenticatedError):
    code = "token_invalid"
    default_detail = "The token is invalid."


class TokenExpiredError(NotAuthenticatedError):
    code = "token_expired"
    default_detail = "The token has expired."


class TokenWrongKindError(NotAuthenticatedError):
    code = "token_wrong_type"
    default_detail = "This kind of token cannot be used here."


class TokenRevokedError(NotAuthenticatedError):
    code = "token_revoked"
    default_detail = "The token has been revoked."


class TokenReusedError(NotAuthenticatedError):
    code = "token_reused"
    default_detail = "This refresh token was already used; every token of its session is now revoked."


class ActivationInvalidError(NotFoundError):
    code = "invalid_activation_link"
    default_detail = "The activation link is invalid or has expired."


class CurrentPasswordRequiredError(InvalidInputError):
    code = "current_password_required"
    default_detail = "Send current_password to change the password."


class WrongCurrentPasswordError(NotAllowedError):
    code = "wrong_current_password"
    default_detail = "The current password is wrong."


class LastAdminError(RuleViolationError):
    code = "last_admin"
    default_detail = "This is the last active administrator; make another one first."
