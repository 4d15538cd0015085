"""Domain error families. Each concrete error sets the stable ``code`` that API clients switch on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input field."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error the core raises on purpose.

    ``code`` is a stable snake_case string; ``detail`` is human text. Subclasses may carry extra
    facts as attributes listed in ``extra_fields``; the HTTP and WebSocket renderers copy them.
    """

    code: ClassVar[str] = "domain_error"
    default_detail: ClassVar[str] = "The request could not be carried out."
    extra_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)

    def extras(self) -> dict[str, object]:
        """Extra facts to show next to ``code`` and ``detail``."""
        return {name: getattr(self, name) for name in self.extra_fields}


class NotFoundError(DomainError):
    """The thing does not exist, or the caller may not see it."""

    code = "not_found"
    default_detail = "Not found."


class NotAllowedError(DomainError):
    """The caller is known but may not do this."""

    code = "forbidden"
    default_detail = "You are not allowed to do this."


class RuleViolationError(DomainError):
    """The request breaks a state rule."""

    code = "conflict"
    default_detail = "The request conflicts with the current state."


class InvalidInputError(DomainError):
    """The input is malformed; may list field errors."""

    code = "invalid_input"
    default_detail = "The input is invalid."

    def __init__(self, detail: str | None = None, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class NotAuthenticatedError(DomainError):
    """No valid credentials were presented."""

    code = "not_authenticated"
    default_detail = "Authentication credentials were not provided or are invalid."


class RateLimitedError(DomainError):
    """Too many requests; ``retry_after`` is in whole seconds."""

    code = "rate_limited"
    default_detail = "Too many requests; try again later."

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class TooLargeError(DomainError):
    """The upload or frame is larger than allowed."""

    code = "too_large"
    default_detail = "The payload is too large."


class UnavailableError(DomainError):
    """A backing service (the database, Redis) cannot be reached; ``retry_after`` is in whole seconds."""

    code = "service_unavailable"
    default_detail = "The service is unavailable for a moment; try again later."

    def __init__(self, detail: str | None = None, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class ItemRefusedError(DomainError):
    """Storage refused one item of a write (raised by adapters). A batch that fails this way is served
    again in parts until the item at fault is alone (see ``core/shared/batching.py``)."""

    code = "item_refused"
    default_detail = "The item could not be stored."


class UnstorableValueError(ItemRefusedError, InvalidInputError):
    """A value the database cannot store (for example text it rejects)."""

    code = "unstorable_value"
    default_detail = "The input holds a value that cannot be stored."


class MissingReferenceError(ItemRefusedError, RuleViolationError):
    """A row the item refers to was removed meanwhile (a foreign key failed)."""

    code = "reference_gone"
    default_detail = "Something this request refers to no longer exists."


class DuplicateKeyError(ItemRefusedError, RuleViolationError):
    """The item's idempotency key was stored by a concurrent request first."""

    code = "duplicate_idempotency_key"
    default_detail = "A request with this idempotency key was stored at the same time."


class AccountGoneError(NotAuthenticatedError):
    """The caller's account no longer exists (its token may still be valid for a while)."""

    code = "account_gone"
    default_detail = "The account of these credentials no longer exists."
