"""Frames written straight to the transport, under a real uvicorn server and a real client."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
import websockets
from litestar import Litestar, WebSocket, websocket
from litestar.types import Message, Scope

from app.api.access import ObservedLitestar, RequestContext
from app.ws.connection import LeanWebSocket
from app.ws.transport import DirectWriter, text_frame

found: list[bool] = []


@websocket("/ws")
async def mixed(socket: WebSocket[Any, Any, Any]) -> None:
    """Interleaves frames sent the ASGI way with frames written directly."""
    await socket.accept()
    writer = DirectWriter(socket.send)
    found.append(writer.available)
    await socket.send_text('{"n":1}')
    writer.write(text_frame(b'{"n":2}'))
    writer.write(text_frame(b'{"n":3,"pad":"' + b"x" * 70_000 + b'"}'))
    await socket.send_text('{"n":4}')
    await socket.receive()


async def _nothing(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook, as the app has one: one more wrapper around ``send``."""


def _app(kind: str) -> Litestar:
    """Plain Litestar with a ``before_send`` hook, or wrapped as the app is (``ObservedLitestar``
    with its request context, ``LeanWebSocket``)."""
    if kind == "plain":
        return Litestar([mixed], before_send=[_nothing])
    app = ObservedLitestar([mixed], websocket_class=LeanWebSocket)
    app.request_context = RequestContext(access_log=True)
    return app


@contextlib.asynccontextmanager
async def _server(kind: str) -> AsyncIterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    app = _app(kind)
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", ws_per_message_deflate=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


@pytest.mark.parametrize("kind", ["plain", "observed"])
async def test_direct_frames_reach_the_client_in_order_between_asgi_sends(kind: str) -> None:
    found.clear()
    async with _server(kind) as port, websockets.connect(f"ws://127.0.0.1:{port}/ws", max_size=2**20) as ws:
        frames = [await asyncio.wait_for(ws.recv(), 5) for _ in range(4)]
    assert found == [True]  # the writer found uvicorn's protocol through every wrapper around send
    assert [f[:7] for f in frames] == ['{"n":1}', '{"n":2}', '{"n":3,', '{"n":4}']
    assert len(frames[2]) == 70_000 + len('{"n":3,"pad":""}')
