"""The one error map: each family gets its status, code, detail and extras."""

from __future__ import annotations

from typing import ClassVar

import pytest

from app.api.errors import error_body, status_for
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


class _Busy(RuleViolationError):
    code = "member_busy"
    extra_fields: ClassVar[tuple[str, ...]] = ("member_id",)

    def __init__(self, member_id: int) -> None:
        super().__init__("busy")
        self.member_id = member_id


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInputError(), 400),
        (NotAuthenticatedError(), 401),
        (NotAllowedError(), 403),
        (NotFoundError(), 404),
        (RuleViolationError(), 409),
        (TooLargeError(), 413),
        (RateLimitedError(5), 429),
    ],
)
def test_each_family_maps_to_its_status(error: DomainError, status: int) -> None:
    assert status_for(error) == status
    assert error_body(error)["status"] == status
    assert error_body(error)["code"] == error.code


def test_extra_facts_and_field_errors_are_copied_into_the_body() -> None:
    assert error_body(_Busy(7)) == {"status": 409, "code": "member_busy", "detail": "busy", "member_id": 7}
    invalid = InvalidInputError("bad", errors=[FieldError("email", "required")])
    assert error_body(invalid)["errors"] == [{"field": "email", "message": "required"}]
