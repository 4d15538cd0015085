"""The panel's refusals before any page runs, in the API's error shape ``{status, code, detail}``."""

from __future__ import annotations

import json

from starlette.types import Send


async def refuse(send: Send, status: int, code: str, detail: str) -> None:
    body = json.dumps({"status": status, "code": code, "detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
