"""Pieces every bounded context shares: errors, the principal, domain events, paging."""

from app.core.shared.domain_events import DomainEvent
from app.core.shared.errors import (
    DomainError,
    FieldError,
    InvalidInputError,
    NotAllowedError,
    NotAuthenticatedError,
    NotFoundError,
    RateLimitedError,
    RuleViolationError,
    TooLargeError,
)
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal, Role

__all__ = [
    "DomainError",
    "DomainEvent",
    "FieldError",
    "InvalidInputError",
    "NotAllowedError",
    "NotAuthenticatedError",
    "NotFoundError",
    "Page",
    "PageRequest",
    "Principal",
    "RateLimitedError",
    "Role",
    "RuleViolationError",
    "TooLargeError",
]
