"""Liveness and readiness."""

from __future__ import annotations

from litestar import get
from litestar.params import SkipValidation
from litestar.response import Response
from litestar.types import ControllerRouterHandler

from app.ports.health import ReadinessProbe


@get("/health/", operation_id="Health", tags=["health"])
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready/", operation_id="Ready", tags=["health"])
async def ready(probes: SkipValidation[list[ReadinessProbe]]) -> Response[dict[str, object]]:
    """Readiness: the database and, when configured, Redis and this process's channel subscription
    work; 503 otherwise, with each failing check's reason under ``problems``."""
    problems = {probe.name: problem for probe in probes if (problem := await probe.check()) is not None}
    body: dict[str, object] = {
        "status": "unavailable" if problems else "ok",
        "checks": {probe.name: probe.name not in problems for probe in probes},
    }
    if problems:
        body["problems"] = problems
    return Response(body, status_code=503 if problems else 200)


ROUTES: list[ControllerRouterHandler] = [health, ready]
