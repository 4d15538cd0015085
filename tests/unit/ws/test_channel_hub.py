"""ChannelHub: one Channels subscription per channel per process, shared by every socket listening,
and LiveSocket's inbox on top of it (each channel's order kept, no socket waits for another)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from litestar import Litestar
from litestar.channels import ChannelsPlugin, Subscriber
from litestar.channels.backends.memory import MemoryChannelsBackend

from app.ports.notifier import Envelope
from app.ws.hub import ChannelHub
from app.ws.session import LiveSocket
from tests.conftest import app_lifespan


class CountingPlugin(ChannelsPlugin):
    """The real plugin, counting the subscriptions it opens and closes."""

    def __init__(self) -> None:
        super().__init__(MemoryChannelsBackend(), arbitrary_channels_allowed=True)
        self.subscribed = self.unsubscribed = 0

    async def subscribe(self, channels: str | Iterable[str], history: int | None = None) -> Subscriber:
        self.subscribed += 1
        await asyncio.sleep(0.01)  # let concurrent joiners pile up while the first subscribes
        return await super().subscribe(channels, history)

    async def unsubscribe(self, subscriber: Subscriber, channels: str | Iterable[str] | None = None) -> None:
        self.unsubscribed += 1
        await super().unsubscribe(subscriber, channels)


def _packed(frame: bytes) -> bytes:
    """An event as the notifier publishes it: a packed envelope around the frame."""
    return Envelope(kind="test", frame=frame).pack()


class Collector:
    def __init__(self) -> None:
        self.events: list[tuple[str, bytes]] = []
        self.arrived = asyncio.Event()

    def deliver(self, channel: str, envelope: Envelope, frame: bytes) -> None:
        self.events.append((channel, envelope.frame))
        self.arrived.set()


class Broken:
    def deliver(self, channel: str, envelope: Envelope, frame: bytes) -> None:
        raise RuntimeError("this listener is broken")


class FakeSocket:
    """Records sent frames; ``gate`` (when set) holds every send until it opens."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.sent: list[str] = []
        self.gate = gate

    async def send_text(self, data: str) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.sent.append(data)


@pytest.fixture
async def plugin() -> AsyncIterator[CountingPlugin]:
    plugin = CountingPlugin()
    async with app_lifespan(Litestar(plugins=[plugin])):
        yield plugin


async def _until(condition: Any, timeout_s: float = 3) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.005)


async def test_listeners_of_a_channel_share_one_subscription_until_the_last_leaves(plugin: CountingPlugin) -> None:
    hub = ChannelHub(plugin)
    listeners = [Collector() for _ in range(50)]
    await asyncio.gather(*(hub.join("room:1", listener) for listener in listeners))
    assert (plugin.subscribed, hub.listeners("room:1")) == (1, 50)

    await plugin.wait_published(_packed(b"one"), ["room:1"])
    await _until(lambda: all(listener.events for listener in listeners))
    assert {tuple(listener.events) for listener in listeners} == {(("room:1", b"one"),)}

    for listener in listeners[1:]:
        await hub.leave("room:1", listener)
    assert plugin.unsubscribed == 0
    await hub.leave("room:1", listeners[0])
    assert (plugin.unsubscribed, hub.listeners("room:1")) == (1, 0)

    await plugin.wait_published(_packed(b"two"), ["room:1"])
    await asyncio.sleep(0.05)
    assert all(len(listener.events) == 1 for listener in listeners)  # nobody hears a channel left

    again = Collector()
    await hub.join("room:1", again)
    await plugin.wait_published(_packed(b"three"), ["room:1"])
    await asyncio.wait_for(again.arrived.wait(), 3)
    assert (plugin.subscribed, again.events) == (2, [("room:1", b"three")])
    await hub.leave("room:1", again)


async def test_a_broken_listener_costs_the_others_nothing(plugin: CountingPlugin) -> None:
    hub = ChannelHub(plugin)
    good = Collector()
    await hub.join("room:2", Broken())
    await hub.join("room:2", good)
    for n in range(3):
        await plugin.wait_published(_packed(f"event {n}".encode()), ["room:2"])
    await _until(lambda: len(good.events) == 3)
    assert [data for _, data in good.events] == [b"event 0", b"event 1", b"event 2"]


async def test_a_slow_socket_does_not_hold_up_a_fast_one_and_gets_its_events_in_order(
    plugin: CountingPlugin,
) -> None:
    hub, gate = ChannelHub(plugin), asyncio.Event()
    fast_socket, slow_socket = FakeSocket(), FakeSocket(gate)
    fast, slow = LiveSocket(fast_socket, hub), LiveSocket(slow_socket, hub)  # type: ignore[arg-type]
    for live in (fast, slow):
        live.release()
        await live.join("a")
        await live.join("b")
    assert plugin.subscribed == 2

    for n, channel in enumerate(["a", "b", "a", "b"]):
        await plugin.wait_published(_packed(f'{{"n":{n}}}'.encode()), [channel])
    await _until(lambda: len(fast_socket.sent) == 4)
    assert slow_socket.sent == []  # still waiting at its gate

    gate.set()
    await _until(lambda: len(slow_socket.sent) == 4)
    assert slow_socket.sent == fast_socket.sent  # one arrival order for both sockets
    assert [f for f in fast_socket.sent if f in ('{"n":0}', '{"n":2}')] == ['{"n":0}', '{"n":2}']  # channel a
    assert [f for f in fast_socket.sent if f in ('{"n":1}', '{"n":3}')] == ['{"n":1}', '{"n":3}']  # channel b

    await fast.leave_all()
    await slow.leave_all()
    assert (plugin.unsubscribed, hub.listeners("a"), hub.listeners("b")) == (2, 0, 0)


async def test_events_still_waiting_for_a_channel_left_are_dropped(plugin: CountingPlugin) -> None:
    hub, gate = ChannelHub(plugin), asyncio.Event()
    socket = FakeSocket(gate)
    live = LiveSocket(socket, hub)  # type: ignore[arg-type]
    live.release()
    await live.join("kept")
    await live.join("dropped")
    await plugin.wait_published(_packed(b'"first"'), ["kept"])  # held at the gate while the rest queue up
    await plugin.wait_published(_packed(b'"gone"'), ["dropped"])
    await plugin.wait_published(_packed(b'"second"'), ["kept"])
    await asyncio.sleep(0.05)
    await live.leave("dropped")
    gate.set()
    await _until(lambda: len(socket.sent) == 2)
    await asyncio.sleep(0.05)
    assert socket.sent == ['"first"', '"second"']
    await live.leave_all()
