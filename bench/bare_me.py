"""A bare ASGI app answering every request with the same JSON as ``GET /api/users/me/``: the baseline."""

from __future__ import annotations

from typing import Any

from bench.harness import bare_lifespan

BODY = (
    b'{"id":1,"email":"bench@example.com","name":"Bench","username":null,"phone":null,'
    b'"roles":["member"],"is_active":true,"created_at":"2026-01-01T00:00:00Z"}'
)
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await bare_lifespan(receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
