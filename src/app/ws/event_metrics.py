"""``/ws/events/{id}/``: an event's live metrics, a snapshot on connect and one after every change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import WebSocket
from litestar.di import NamedDependency
from litestar.params import FromPath

from app.core.accounts.service import AccountsService
from app.core.shared.bounds import id_in_range
from app.core.shared.errors import DomainError
from app.core.ticketing.errors import EventNotFoundError
from app.core.ticketing.services import EventService
from app.ports.history import EventHistory
from app.ports.notifier import Envelope
from app.ws.auth import authenticate_socket
from app.ws.connection import socket_route
from app.ws.frames import UnknownFrameError, error_frame
from app.ws.hub import ChannelHub
from app.ws.resume import answer_resume, connect_since, replay
from app.ws.session import FrameRateLimiter, LiveSocket
from app.ws.ticketing import metrics_channel, metrics_frame, metrics_stream

NOT_FOUND_CLOSE_CODE = 4404


@dataclass(frozen=True, slots=True)
class EventMetricsSockets:
    """What the event metrics socket uses, injected as one dependency (see ``ChatSockets``)."""

    accounts: AccountsService
    events: EventService
    history: EventHistory
    hub: ChannelHub


@socket_route("/ws/events/{event_id:int}/")
async def event_metrics_socket(
    socket: WebSocket[Any, Any, Any],
    event_id: FromPath[int],
    event_metrics_sockets: NamedDependency[EventMetricsSockets],
) -> None:
    """Send ``{"type": "metrics", "seq", ...}`` on connect and after every reservation, cancellation,
    decision and check-in. With ``?since=<seq>`` the snapshots missed after that position come
    instead of the first one, then ``{"type": "resume", "recovered", ...}`` (when not recovered, a
    fresh snapshot follows). Client frames: ``{"action": "ping"}``, ``{"action": "refresh"}`` and
    ``{"type": "resume", "since"}``. An event the caller may not see gets an ``event_not_found``
    error frame and close code 4404."""
    events, history = event_metrics_sockets.events, event_metrics_sockets.history
    principal = await authenticate_socket(socket, event_metrics_sockets.accounts)
    if principal is None:
        return
    await socket.accept()
    live = LiveSocket(socket, event_metrics_sockets.hub)
    stream = metrics_stream(event_id)
    await live.join(metrics_channel(event_id))  # before the snapshot, so no change falls between
    try:
        if not id_in_range(event_id):
            raise EventNotFoundError()
        floor = await history.position(stream)
        snapshot = await events.metrics(actor=principal, event_id=event_id)
    except DomainError as error:
        await live.send(error_frame(error))
        await live.leave_all()
        await socket.close(code=NOT_FOUND_CLOSE_CODE, reason=error.code)
        return

    async def read(after: int, up_to: int | None) -> list[Envelope] | None:
        return await history.since(stream, after, up_to=up_to)

    since = await connect_since(live, socket)
    resumed = await replay(live, since, read) if since is not None else None
    if resumed is None:
        await live.send({"seq": floor, **metrics_frame(snapshot)})
    live.release(resumed or floor)

    async def handle(frame: dict[str, Any]) -> dict[str, Any] | None:
        action = frame.get("action", frame.get("type"))
        if action == "ping":
            return {"type": "pong"}
        if action == "refresh":
            return metrics_frame(await events.metrics(actor=principal, event_id=event_id))
        if action == "resume":
            await answer_resume(live, frame, read)
            return None
        raise UnknownFrameError()

    await live.serve(handle, rate_limit=FrameRateLimiter())
