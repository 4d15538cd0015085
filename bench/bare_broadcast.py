"""A bare ASGI WebSocket server that sends every received text frame to every open socket: the baseline."""

from __future__ import annotations

import asyncio
from typing import Any

from bench.harness import bare_lifespan

SOCKETS: set[Any] = set()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await bare_lifespan(receive, send)
        return
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    SOCKETS.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            frame = {"type": "websocket.send", "text": message.get("text") or ""}
            await asyncio.gather(*(peer(frame) for peer in list(SOCKETS)), return_exceptions=True)
    finally:
        SOCKETS.discard(send)
