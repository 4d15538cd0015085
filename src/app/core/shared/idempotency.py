"""Client-chosen idempotency keys: a retried write with the same key returns the first result."""

from __future__ import annotations

import re

from app.core.shared.errors import InvalidInputError

MAX_KEY_LENGTH = 64
_KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")


class InvalidIdempotencyKeyError(InvalidInputError):
    code = "invalid_idempotency_key"
    default_detail = f"An idempotency key is 1 to {MAX_KEY_LENGTH} visible ASCII characters (no spaces)."


def check_key(key: str | None) -> str | None:
    """The key when it is well formed (None when absent); ``invalid_idempotency_key`` otherwise."""
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise InvalidIdempotencyKeyError()
    return key
