"""LiveSocket: channels joined and left while open, error frames for refused frames, throttling."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, WebSocket, post, websocket
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.testing import TestClient

from app.core.shared.errors import NotAllowedError
from app.ports.notifier import Envelope
from app.ws.frames import encode
from app.ws.hub import ChannelHub
from app.ws.session import FrameRateLimiter, LiveSocket


def _packed(frame: dict[str, Any]) -> bytes:
    """An event as the notifier publishes it: a packed envelope around the encoded frame."""
    return Envelope(kind=str(frame.get("type", "")), frame=encode(frame)).pack()


def _app(rate: float = 1000, burst: int = 1000) -> Litestar:
    @websocket("/ws/demo/")
    async def demo(socket: WebSocket[Any, Any, Any], hub: NamedDependency[ChannelHub]) -> None:
        await socket.accept()
        live = LiveSocket(socket, hub)
        live.release()

        async def handle(frame: dict[str, Any]) -> dict[str, Any] | None:
            if frame.get("action") == "join":
                await live.join(str(frame["channel"]))
                return {"type": "joined", "channels": sorted(live.joined)}
            if frame.get("action") == "leave":
                await live.leave(str(frame["channel"]))
                return {"type": "left", "channels": sorted(live.joined)}
            if frame.get("action") == "forbidden":
                raise NotAllowedError("no")
            return {"type": "echo", "frame": frame}

        await live.serve(handle, max_frame_bytes=100, rate_limit=FrameRateLimiter(rate, burst))

    @post("/publish/{channel:str}")
    async def publish(channel: FromPath[str], channels: NamedDependency[ChannelsPlugin]) -> None:
        await channels.wait_published(_packed({"type": "event", "channel": channel}), [channel])

    plugin = ChannelsPlugin(MemoryChannelsBackend(), arbitrary_channels_allowed=True)
    hub = ChannelHub(plugin)
    return Litestar([demo, publish], plugins=[plugin], dependencies={"hub": Provide(lambda: hub, sync_to_thread=False)})


def test_joined_channels_are_forwarded_until_left() -> None:
    with TestClient(_app()) as client, client.websocket_connect("/ws/demo/") as ws:
        ws.send_json({"action": "join", "channel": "a"})
        assert ws.receive_json(timeout=3) == {"type": "joined", "channels": ["a"]}
        ws.send_json({"action": "join", "channel": "b"})
        assert ws.receive_json(timeout=3)["channels"] == ["a", "b"]
        client.post("/publish/b")
        assert ws.receive_json(timeout=3) == {"type": "event", "channel": "b"}
        ws.send_json({"action": "leave", "channel": "b"})
        assert ws.receive_json(timeout=3) == {"type": "left", "channels": ["a"]}
        client.post("/publish/b")
        client.post("/publish/a")
        assert ws.receive_json(timeout=3) == {"type": "event", "channel": "a"}


def test_refused_frames_get_error_frames_and_the_socket_stays_open() -> None:
    with TestClient(_app()) as client, client.websocket_connect("/ws/demo/") as ws:
        for raw, code in [("{nope", "invalid_frame"), ("[1, 2]", "invalid_frame"), ("x" * 200, "frame_too_large")]:
            ws.send_text(raw)
            assert ws.receive_json(timeout=3)["code"] == code
        ws.send_bytes(b"\xff\xfe")
        assert ws.receive_json(timeout=3)["code"] == "invalid_frame"
        ws.send_json({"action": "forbidden"})
        assert ws.receive_json(timeout=3) == {"type": "error", "code": "forbidden", "detail": "no"}
        ws.send_json({"hello": 1})
        assert ws.receive_json(timeout=3) == {"type": "echo", "frame": {"hello": 1}}


def test_a_client_sending_too_fast_is_throttled() -> None:
    with TestClient(_app(rate=0.001, burst=2)) as client, client.websocket_connect("/ws/demo/") as ws:
        replies = []
        for i in range(4):
            ws.send_json({"n": i})
            replies.append(ws.receive_json(timeout=3))
    assert [r["type"] for r in replies] == ["echo", "echo", "error", "error"]
    assert replies[2]["code"] == "rate_limited"
