"""Field types every request body builds on: ids, plain text and timestamps within the input bounds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta, Struct

from app.core.shared.bounds import MAX_ID, TEXT_PATTERN, in_utc_range

PLAIN_TEXT = Meta(pattern=TEXT_PATTERN)
"""Put next to a length ``Meta`` on every text field: no C0 controls but tab and newline (400 ``invalid_text``)."""

Id = Annotated[int, Meta(ge=1, le=MAX_ID)]

UTC_RANGE_MESSAGE = "The timestamp is not representable in UTC"


class RequestBody(Struct, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are refused, and every timestamp must stay a valid
    datetime once converted to UTC (``0001-01-01T00:00:00+14:00`` is refused with 400)."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime) and not in_utc_range(value):
                raise ValueError(f"{UTC_RANGE_MESSAGE} - at `$.{name}`")
