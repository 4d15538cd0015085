"""Resuming a stream: ``?since=<seq>`` on the socket URL or a ``{"type": "resume", "since"}`` frame.

The socket subscribes first and holds live events, sends what the client missed after ``since`` in
order, then a ``resume`` frame, then releases the held events above the last position it replayed,
so nothing falls between and nothing comes twice. When the history no longer reaches back to
``since`` the ``resume`` frame says ``"recovered": false`` and the client refetches over HTTP.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec
from litestar import WebSocket

from app.core.shared.bounds import MAX_ID
from app.ports.notifier import Envelope
from app.ws.frames import MalformedFrameError, convert_frame, error_frame
from app.ws.session import LiveSocket
from app.ws.url import query_value

Position = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)]
# Reads what a stream kept after a position (up to another, when given); None when out of reach.
HistoryRead = Callable[[int, int | None], Awaitable[list[Envelope] | None]]
# Decides, in order, whether the socket shows a replayed event (it may follow or leave channels).
ReplayFilter = Callable[[Envelope], Awaitable[bool]]


class ResumeFrame(msgspec.Struct, tag="resume", tag_field="type", forbid_unknown_fields=True):
    since: Position


def parse_resume(frame: dict[str, Any]) -> int:
    """The position of a ``resume`` frame (``type`` or ``action`` names it), or the error to answer with."""
    return convert_frame({"type": "resume", "since": frame.get("since")}, ResumeFrame).since


def since_of(socket: WebSocket[Any, Any, Any]) -> int | None:
    """The ``?since=`` position of the socket URL (None without one); ``invalid_frame`` when it is not one."""
    raw = query_value(socket, "since")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise MalformedFrameError("`since` must be a position (a non-negative integer) this socket sent.")
    return int(raw)


async def replay(
    live: LiveSocket, since: int, read: HistoryRead, *, up_to: int | None = None, keep: ReplayFilter | None = None
) -> int | None:
    """Send the events after ``since`` (up to ``up_to``), then the ``resume`` frame; returns the last
    position sent (``since`` when nothing was missed), or None when the history is out of reach."""
    missed = await read(since, up_to)
    if missed is None:
        await live.send({"type": "resume", "recovered": False, "since": since})
        return None
    sent = 0
    for envelope in missed:
        if keep is None or await keep(envelope):
            await live.send(envelope.frame)
            sent += 1
    last = missed[-1].seq if missed else since
    await live.send({"type": "resume", "recovered": True, "since": since, "seq": last, "replayed": sent})
    return last


async def answer_resume(
    live: LiveSocket, frame: dict[str, Any], read: HistoryRead, keep: ReplayFilter | None = None
) -> None:
    """Answer a ``resume`` frame: replay what came after its ``since`` up to where live events start."""
    since = parse_resume(frame)
    live.hold()
    try:
        await replay(live, since, read, up_to=live.floor, keep=keep)
    finally:
        live.release()


async def connect_since(live: LiveSocket, socket: WebSocket[Any, Any, Any]) -> int | None:
    """The ``?since=`` position; a malformed one is answered with an ``error`` frame and ignored."""
    try:
        return since_of(socket)
    except MalformedFrameError as error:
        await live.send(error_frame(error))
        return None
