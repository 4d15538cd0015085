"""Bounds every input keeps, whichever door it comes in by (HTTP or WebSocket).

Plain values and checks: the delivery layers build their own msgspec types and parameters from them,
so both databases see the same input and refuse nothing the edge let through.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from app.core.shared.errors import FieldError, InvalidInputError

MAX_ID = 2**63 - 1
"""Ids are positive 64-bit integers (what a BIGINT key holds)."""

MAX_JSON_DEPTH = 32
"""How deep arrays and objects of a JSON body or frame may nest."""

TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f]*$"
"""Text is Unicode without C0 control characters, except tab and newline. The same regular
expression reads alike in Python and in JSON Schema (ECMA-262)."""

TEXT_RULE = "Text must not contain control characters (U+0000 to U+001F other than tab and newline)."

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")


class InvalidTextError(InvalidInputError):
    code = "invalid_text"
    default_detail = TEXT_RULE


class JsonTooDeepError(InvalidInputError):
    code = "json_too_deep"
    default_detail = f"JSON may nest at most {MAX_JSON_DEPTH} levels of arrays and objects."


def id_in_range(value: int) -> bool:
    """Whether ``value`` can name a stored row (a positive 64-bit integer)."""
    return 1 <= value <= MAX_ID


def is_plain_text(value: str) -> bool:
    """Whether ``value`` keeps the text rule (no C0 controls other than tab and newline)."""
    return _CONTROL.search(value) is None


def check_text(field: str, value: str) -> str:
    """``value`` unchanged, or ``InvalidTextError`` naming ``field``."""
    if not is_plain_text(value):
        raise InvalidTextError(errors=[FieldError(field, TEXT_RULE)])
    return value


def in_utc_range(moment: datetime) -> bool:
    """Whether an aware ``moment`` stays a valid datetime once converted to UTC."""
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return False
    return True


def json_depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than ``limit``, found without decoding it.

    Brackets inside strings do not count. Malformed text may be over-counted; the decoder refuses it anyway.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for byte in _JSON_STRING.sub(b'""', data):
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSERS:
            depth -= 1
    return False


def check_json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> bytes:
    """``data`` unchanged, or ``JsonTooDeepError``."""
    if json_depth_exceeds(data, limit):
        raise JsonTooDeepError(f"JSON may nest at most {limit} levels of arrays and objects.")
    return data
