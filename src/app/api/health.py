"""Liveness and readiness."""

from __future__ import annotations

from litestar import get
from litestar.params import SkipValidation
from litestar.response import Response

from app.ports.health import ReadinessProbe


@get("/health/", operation_id="Health", tags=["health"])
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready/", operation_id="Ready", tags=["health"])
async def ready(probes: SkipValidation[list[ReadinessProbe]]) -> Response[dict[str, object]]:
    """Readiness: the database and, when configured, Redis are reachable; 503 otherwise."""
    checks = {probe.name: await probe.ready() for probe in probes}
    ok = all(checks.values())
    return Response({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)
