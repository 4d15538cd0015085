"""The ``Idempotency-Key`` request header of idempotent writes (checked by the core: 400 otherwise)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        description="A client-chosen key of 1 to 64 visible ASCII characters. A repeat with the same key by the "
        "same user returns the first result instead of writing again (400 `invalid_idempotency_key` otherwise).",
    ),
]
