"""The error answers of one operation, from the same map the app renders errors with
(``app.api.errors``): what its inputs, its caller and its guards imply, and what ``RAISES`` declares."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.api.errors import (
    INVALID_JSON,
    INVALID_TEXT,
    STATUS_CODES,
    TIMESTAMP_OUT_OF_RANGE,
    VALIDATION_ERROR,
    family_status,
)
from app.api.openapi.raises import RAISES
from app.api.schemas.fields import UTC_RANGE_MESSAGE
from app.core.accounts import errors as accounts
from app.core.shared.bounds import TEXT_PATTERN, TEXT_RULE, JsonTooDeepError
from app.core.shared.errors import (
    AccountGoneError,
    DomainError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)

# A bad, expired, revoked or missing token, or a deleted account: what every authenticated call may meet.
AUTHENTICATION: tuple[type[DomainError], ...] = (
    accounts.TokenMissingError,
    accounts.TokenInvalidError,
    accounts.TokenExpiredError,
    accounts.TokenWrongKindError,
    accounts.TokenRevokedError,
    AccountGoneError,
)
STATUS_TEXT = {
    400: "The input is invalid.",
    401: "Not authenticated: the bearer token is missing, bad or no longer valid.",
    403: "Authenticated, but not allowed to do this.",
    404: "Not found, or not visible to the caller.",
    409: "The request breaks a state rule; `code` says which.",
    413: "The body is larger than allowed.",
    429: "Rate limited; retry after the `Retry-After` header's seconds.",
    503: "A backing service (the database, Redis) is unreachable for a moment; retry after `Retry-After`.",
}


@dataclass(frozen=True, slots=True)
class ErrorDoc:
    """One ``(status, code)`` an operation can answer with, and what it means."""

    status: int
    code: str
    detail: str
    extras: tuple[str, ...] = ()

    @classmethod
    def of(cls, error: type[DomainError]) -> ErrorDoc:
        return cls(family_status(error), error.code, error.default_detail, error.extra_fields)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What an operation takes, as far as its refusals go."""

    path_ids: bool  # an integer path parameter (out of range or unknown: 404)
    params: bool  # any parameter or body at all
    text: bool  # a field bound by the text rule
    timestamps: bool  # a date-time field
    json_body: bool
    body: bool


VALIDATION = ErrorDoc(
    400, VALIDATION_ERROR, "A parameter or body field is missing, of the wrong type or out of bounds."
)
TEXT = ErrorDoc(400, INVALID_TEXT, TEXT_RULE)
TIMESTAMP = ErrorDoc(400, TIMESTAMP_OUT_OF_RANGE, f"{UTC_RANGE_MESSAGE}.")
MALFORMED_JSON = ErrorDoc(400, INVALID_JSON, "The body is not well-formed JSON.")
UNREADABLE = ErrorDoc(
    400, STATUS_CODES[400], "The request could not be read (for example a body not of the declared type)."
)
TOO_LARGE = ErrorDoc(413, STATUS_CODES[413], "The request body is larger than the server accepts.")


def error_docs(
    operation_id: str, inputs: Inputs, *, authenticated: bool, rate_limited: bool, needs_services: bool
) -> list[ErrorDoc]:
    """Every error answer of an operation, ordered by status, each ``code`` once."""
    found: list[ErrorDoc] = []
    if inputs.params:
        found.append(VALIDATION)
    if inputs.text:
        found.append(TEXT)
    if inputs.timestamps:
        found.append(TIMESTAMP)
    if inputs.json_body:
        found += [MALFORMED_JSON, ErrorDoc.of(JsonTooDeepError)]
    if inputs.body:
        found.append(UNREADABLE)
    if inputs.path_ids:
        found.append(ErrorDoc.of(NotFoundError))
    if inputs.body:
        found.append(TOO_LARGE)
    if authenticated:
        found += map(ErrorDoc.of, AUTHENTICATION)
    if rate_limited:
        found.append(ErrorDoc.of(RateLimitedError))
    if needs_services:
        found.append(ErrorDoc.of(UnavailableError))
    found += map(ErrorDoc.of, RAISES[operation_id])
    return sorted(_unique(found), key=lambda doc: doc.status)


def _unique(docs: Iterable[ErrorDoc]) -> Iterator[ErrorDoc]:
    seen: set[tuple[int, str]] = set()
    for doc in docs:
        if (doc.status, doc.code) not in seen:
            seen.add((doc.status, doc.code))
            yield doc


def inputs_of(operation: dict[str, Any], components: dict[str, Any]) -> Inputs:
    """Read an OpenAPI operation's parameters and body for what they can be refused for."""
    parameters = operation.get("parameters", [])
    content = operation.get("requestBody", {}).get("content", {})
    schemas = [p.get("schema", {}) for p in parameters] + [media.get("schema", {}) for media in content.values()]
    found = _walk(schemas, components)
    return Inputs(
        path_ids=any(p.get("in") == "path" and p.get("schema", {}).get("type") == "integer" for p in parameters),
        params=bool(parameters or content),
        text=any(node.get("pattern") == TEXT_PATTERN for node in found),
        timestamps=any(node.get("format") == "date-time" for node in found),
        json_body="application/json" in content,
        body=bool(content),
    )


def _walk(schemas: list[Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    """Every schema node reachable from ``schemas``, following ``$ref`` into ``components`` once each."""
    nodes: list[dict[str, Any]] = []
    seen: set[str] = set()
    stack = list(schemas)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                stack.append(components.get(name, {}))
            continue
        nodes.append(node)
        stack.extend(value for value in node.values() if isinstance(value, dict | list))
    return nodes
