"""Litestar apps answering the same JSON as ``GET /api/users/me/``, with nothing of Muster's: the
framework's own floors, next to the bare ASGI app.

- ``app``: one plain handler; no middleware, no dependencies, no authentication.
- ``app_with_dependencies``: the same handler taking the two dependencies every authenticated
  Muster handler takes (one resolved from the request, one constant), both doing nothing: what
  Litestar's dependency injection costs before any token is read.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request, get
from litestar.di import NamedDependency, Provide

from bench.bare_me import BODY


@get("/", sync_to_thread=False)
def me() -> msgspec.Raw:
    return msgspec.Raw(BODY)


async def _caller(request: Request[Any, Any, Any], service: NamedDependency[object]) -> int:
    return 1


def _service() -> object:
    return BODY


@get("/", sync_to_thread=False)
def me_with_dependencies(caller: NamedDependency[int], service: NamedDependency[object]) -> msgspec.Raw:
    return msgspec.Raw(BODY)


app = Litestar([me], openapi_config=None, logging_config=None)
app_with_dependencies = Litestar(
    [me_with_dependencies],
    dependencies={"caller": Provide(_caller), "service": Provide(_service, use_cache=True, sync_to_thread=False)},
    openapi_config=None,
    logging_config=None,
)
