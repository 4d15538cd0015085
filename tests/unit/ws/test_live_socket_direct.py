"""LiveSocket's short path: frames written straight to the transport when nothing waits, the ASGI
way otherwise, always in arrival order."""

from __future__ import annotations

import asyncio
from typing import Any

from app.ports.notifier import Envelope
from app.ws.session import LiveSocket
from app.ws.transport import text_frame
from tests.unit.ws.test_transport import FakeProtocol


class FakeHub:
    async def join(self, channel: str, listener: Any) -> None: ...

    async def leave(self, channel: str, listener: Any) -> None: ...


class FakeSocket:
    """Uvicorn's protocol behind ``send``; ``send_text`` records frames sent the ASGI way."""

    def __init__(self) -> None:
        self.protocol = FakeProtocol()
        self.send = self.protocol.send
        self.texts: list[str] = []

    async def send_text(self, data: str) -> None:
        self.texts.append(data)


def _event(n: int, kind: str = "message") -> tuple[Envelope, bytes]:
    envelope = Envelope(kind=kind, frame=b'{"n":%d}' % n, seq=n)
    return envelope, text_frame(envelope.frame)


async def _live(admit: Any = None, on_event: Any = None) -> tuple[LiveSocket, FakeSocket]:
    socket = FakeSocket()
    live = LiveSocket(socket, FakeHub())  # type: ignore[arg-type]
    await live.join("c", admit=admit, on_event=on_event)
    return live, socket


async def test_an_event_for_a_socket_that_keeps_up_is_written_at_once() -> None:
    live, socket = await _live(admit=lambda e: True)
    live.release()
    live.deliver("c", *_event(1))
    assert socket.protocol.transport.written == [_event(1)[1]]
    assert socket.texts == []


async def test_events_held_for_the_welcome_follow_it_in_order() -> None:
    live, socket = await _live()
    live.deliver("c", *_event(1))
    live.deliver("c", *_event(2))
    assert socket.protocol.transport.written == []  # held: the welcome goes first
    await live.send({"type": "history"})
    live.release(floor=1)  # event 1 was in the welcome
    await asyncio.sleep(0.01)
    assert socket.texts == ['{"type":"history"}']
    assert socket.protocol.transport.written == [_event(2)[1]]


async def test_a_transport_pushing_back_gets_events_the_asgi_way_in_order() -> None:
    live, socket = await _live()
    live.release()
    socket.protocol.writable.clear()
    live.deliver("c", *_event(1))
    live.deliver("c", *_event(2))  # queued behind event 1, never ahead of it
    await asyncio.sleep(0.01)
    assert socket.texts == ['{"n":1}', '{"n":2}']
    socket.protocol.writable.set()
    live.deliver("c", *_event(3))
    assert socket.protocol.transport.written == [_event(3)[1]]


async def test_admit_drops_sends_or_hands_an_event_to_the_async_hook() -> None:
    heard: list[int] = []

    async def on_event(envelope: Envelope) -> bool:
        heard.append(envelope.seq)
        return False

    live, socket = await _live(admit=lambda e: {"drop": False, "ask": None}.get(e.kind, True), on_event=on_event)
    live.release()
    live.deliver("c", *_event(1, "drop"))
    live.deliver("c", *_event(2, "ask"))
    live.deliver("c", *_event(3))
    await asyncio.sleep(0.01)
    assert heard == [2]
    assert socket.protocol.transport.written == [_event(3)[1]]
    live.deliver("elsewhere", *_event(4))  # a channel not joined
    assert socket.protocol.transport.written == [_event(3)[1]]
