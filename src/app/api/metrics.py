"""``GET /metrics``: the Prometheus text exposition of this process (prometheus_client), or of every
process sharing ``PROMETHEUS_MULTIPROC_DIR`` when that is set (as Litestar's Prometheus controller does).

With ``METRICS_TOKEN`` set it needs ``Authorization: Bearer <token>`` (else 401 ``not_authenticated``).
Values that are read rather than counted (the job queue's depth) are refreshed just before each scrape.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from litestar import Request, Response, get
from litestar.handlers import HTTPRouteHandler
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from app.core.shared.errors import NotAuthenticatedError

Refresh = Callable[[], Awaitable[None]]


def metrics_route(*, token: str | None, refreshers: Sequence[Refresh]) -> HTTPRouteHandler:
    """The ``/metrics`` handler guarded by ``token`` (none: open), running ``refreshers`` first."""
    expected = f"Bearer {token}".encode() if token else None

    @get("/metrics", include_in_schema=False, cache_control=None, name="metrics")
    async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                raise NotAuthenticatedError("Give the metrics token as Authorization: Bearer <token>.")
        for refresh in refreshers:
            await refresh()
        registry = REGISTRY
        if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return metrics
