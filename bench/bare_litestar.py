"""A Litestar app with one handler answering the same JSON as ``GET /api/users/me/``: no
middleware, no dependencies, no authentication. The framework's own floor, next to the bare
ASGI app: what any Litestar handler costs before Muster adds anything."""

from __future__ import annotations

import msgspec
from litestar import Litestar, get

from bench.bare_me import BODY


@get("/", sync_to_thread=False)
def me() -> msgspec.Raw:
    return msgspec.Raw(BODY)


app = Litestar([me], openapi_config=None, logging_config=None)
