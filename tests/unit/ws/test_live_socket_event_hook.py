"""LiveSocket.join(on_event=...): a hook sees each event first, may join other channels, and decides
whether the event is sent."""

from __future__ import annotations

import json
from typing import Any

from litestar import Litestar, WebSocket, post, websocket
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from litestar.testing import TestClient

from app.ports.notifier import Envelope
from app.ws.frames import encode
from app.ws.hub import ChannelHub
from app.ws.session import LiveSocket


def _packed(frame: dict[str, Any]) -> bytes:
    """An event as the notifier publishes it: a packed envelope around the encoded frame."""
    return Envelope(kind=str(frame.get("type", "")), frame=encode(frame)).pack()


def _app() -> Litestar:
    @websocket("/ws/hooked/")
    async def hooked(socket: WebSocket[Any, Any, Any], hub: NamedDependency[ChannelHub]) -> None:
        await socket.accept()
        live = LiveSocket(socket, hub)
        live.release()

        async def on_event(envelope: Envelope) -> bool:
            event = json.loads(envelope.frame)
            if event.get("follow"):
                await live.join(event["follow"])
            return not event.get("drop", False)

        await live.join("personal", on_event=on_event)
        await live.send({"type": "ready"})
        await live.serve(_echo)

    @post("/publish/{channel:str}")
    async def publish(
        channel: FromPath[str], data: JSONBody[dict[str, Any]], channels: NamedDependency[ChannelsPlugin]
    ) -> None:
        await channels.wait_published(_packed(data), [channel])

    plugin = ChannelsPlugin(MemoryChannelsBackend(), arbitrary_channels_allowed=True)
    hub = ChannelHub(plugin)
    return Litestar(
        [hooked, publish], plugins=[plugin], dependencies={"hub": Provide(lambda: hub, sync_to_thread=False)}
    )


async def _echo(frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "echo", **frame}


def test_the_hook_filters_events_and_joins_channels_before_the_event_is_sent() -> None:
    with TestClient(_app()) as client, client.websocket_connect("/ws/hooked/") as ws:
        assert ws.receive_json(timeout=3) == {"type": "ready"}
        client.post("/publish/personal", json={"n": 1, "drop": True})
        client.post("/publish/personal", json={"n": 2, "follow": "team"})
        assert ws.receive_json(timeout=3) == {"n": 2, "follow": "team"}  # the dropped event never came
        client.post("/publish/team", json={"n": 3})
        assert ws.receive_json(timeout=3) == {"n": 3}  # joined by the hook before event 2 was sent
