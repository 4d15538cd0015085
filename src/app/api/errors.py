"""The one map from errors to HTTP responses: ``{status, code, detail[, errors]}``."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from app.api.schemas.fields import UTC_RANGE_MESSAGE
from app.core.shared.bounds import TEXT_PATTERN, TEXT_RULE
from app.core.shared.errors import (
    DomainError,
    InvalidInputError,
    NotAllowedError,
    NotAuthenticatedError,
    NotFoundError,
    RateLimitedError,
    RuleViolationError,
    TooLargeError,
    UnavailableError,
)

logger = logging.getLogger("app.api")

FAMILY_STATUS: dict[type[DomainError], int] = {
    InvalidInputError: 400,
    NotAuthenticatedError: 401,
    NotAllowedError: 403,
    NotFoundError: 404,
    RuleViolationError: 409,
    TooLargeError: 413,
    RateLimitedError: 429,
    UnavailableError: 503,
}

STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}

VALIDATION_ERROR = "validation_error"  # Litestar refused the input (a type, a bound, a missing field)
INVALID_JSON = "invalid_json"  # the body is not JSON
INVALID_TEXT = "invalid_text"  # a text field holds control characters
TIMESTAMP_OUT_OF_RANGE = "timestamp_out_of_range"  # a timestamp beyond what UTC can represent

# A validation message that names a broken input bound → that bound's code and a plain message.
_BOUND_CODES: tuple[tuple[str, str, str], ...] = (
    (repr(TEXT_PATTERN), INVALID_TEXT, TEXT_RULE),
    (UTC_RANGE_MESSAGE, TIMESTAMP_OUT_OF_RANGE, f"{UTC_RANGE_MESSAGE}."),
)

_JSON_PATH = re.compile(r"at `\$\.?([^`]*)`|unknown field `([^`]*)`|missing required field `([^`]*)`")


def status_for(error: DomainError) -> int:
    """The HTTP status of a domain error's family."""
    return family_status(type(error))


def family_status(kind: type[DomainError]) -> int:
    """The HTTP status of a domain error class's family (400 when it belongs to none)."""
    for cls in kind.__mro__:
        if cls in FAMILY_STATUS:
            return FAMILY_STATUS[cls]
    return 400


def error_body(error: DomainError) -> dict[str, Any]:
    """The JSON body of a domain error, with its extra facts and field errors."""
    body: dict[str, Any] = {"status": status_for(error), "code": error.code, "detail": error.detail}
    body.update(error.extras())
    if isinstance(error, InvalidInputError) and error.errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    return body


def _response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[dict[str, Any]]:
    return Response(body, status_code=body["status"], media_type=MediaType.JSON, headers=headers)


def domain_error_handler(_: Request[Any, Any, Any], error: DomainError) -> Response[dict[str, Any]]:
    retry_after = error.retry_after if isinstance(error, RateLimitedError | UnavailableError) else None
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return _response(error_body(error), headers)


def validation_error_handler(_: Request[Any, Any, Any], error: ValidationException) -> Response[dict[str, Any]]:
    errors = [_field_error(item) for item in error.extra or []] if isinstance(error.extra, list) else []
    detail = "The input is invalid." if errors else (error.detail or "The input is invalid.")
    code = VALIDATION_ERROR
    for item in errors:
        for marker, bound_code, message in _BOUND_CODES:
            if marker in item["message"]:
                code, item["message"] = bound_code, message
    body: dict[str, Any] = {"status": 400, "code": code, "detail": detail, "errors": errors}
    return _response(body)


def http_error_handler(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    status = error.status_code
    if status >= 500:
        logger.error("HTTP %s: %s", status, error.detail)
    code = STATUS_CODES.get(status, "error")
    if status == 400 and str(error.detail).startswith("JSON is malformed"):
        code = INVALID_JSON
    body = {"status": status, "code": code, "detail": error.detail}
    return _response(body, dict(error.headers or {}) or None)


def internal_error_handler(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    body = {"status": 500, "code": "internal_error", "detail": "Internal server error."}
    return Response(body, status_code=HTTP_500_INTERNAL_SERVER_ERROR, media_type=MediaType.JSON)


def _field_error(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        return {"field": "", "message": str(item)}
    message = str(item.get("message", "Invalid value."))
    field = str(item.get("key") or "")
    if not field or field == "data":
        match = _JSON_PATH.search(message)
        field = next((group for group in match.groups() if group), field) if match else field
    return {"field": field, "message": message}


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
