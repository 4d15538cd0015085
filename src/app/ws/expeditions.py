"""``/ws/expeditions/``: live events of every expedition the user belongs to.

On connect the socket follows each expedition the user leads or is invited to or confirmed in, and
the user's own channel; when an invitation for the user (or an expedition the user just created)
arrives there, the socket follows that expedition at once. Clients send ``subscribe`` and
``unsubscribe`` (with ``expedition_id``) and ``ping``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import WebSocket
from litestar.di import NamedDependency

from app.core.accounts.service import AccountsService
from app.core.expeditions.domain_events import (
    ExpeditionCreated,
    ExpeditionStatusChanged,
    MemberConfirmed,
    MemberDeclined,
    MemberInvited,
)
from app.core.expeditions.model import Person
from app.core.expeditions.service import ExpeditionService
from app.core.shared.principal import Principal
from app.ports.history import EventHistory
from app.ports.notifier import Envelope
from app.ws.auth import authenticate_socket
from app.ws.channels import user_channel
from app.ws.connection import socket_route
from app.ws.frames import MalformedFrameError, Outbound, Outbounds, UnknownFrameError
from app.ws.hub import ChannelHub
from app.ws.resume import answer_resume, connect_since, replay
from app.ws.session import FrameRateLimiter, LiveSocket


def expedition_channel(expedition_id: int) -> str:
    """The channel every follower of one expedition hears."""
    return f"expedition:{expedition_id}"


def _person(person: Person) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "email": person.email}


def _member_frame(kind: str) -> Any:
    def build(event: MemberInvited | MemberConfirmed | MemberDeclined) -> dict[str, Any]:
        return {"type": kind, "expedition_id": event.expedition_id, "user": _person(event.user)}

    return build


def _status_frame(event: ExpeditionStatusChanged) -> dict[str, Any]:
    return {
        "type": "expedition_status",
        "expedition_id": event.expedition_id,
        "status": event.status.value,
        "previous_status": event.previous_status.value,
    }


def _created_frame(event: ExpeditionCreated) -> dict[str, Any]:
    return {
        "type": "expedition_created",
        "expedition_id": event.expedition_id,
        "chief_id": event.chief_id,
        "title": event.title,
    }


EXPEDITIONS_STREAM = "expeditions"  # one stream of every expedition event: a socket's one position


def _member(kind: str) -> Outbound[Any]:
    return Outbound[MemberInvited | MemberConfirmed | MemberDeclined](
        frame=_member_frame(kind),
        # The invitee's sockets do not follow the expedition yet: they hear the invitation on their own channel.
        channels=(lambda e: [expedition_channel(e.expedition_id), user_channel(e.user.id)])
        if kind == "member_invited"
        else (lambda e: [expedition_channel(e.expedition_id)]),
        stream=lambda _: EXPEDITIONS_STREAM,
        scope="expedition_id",
        subject="user.id",
    )


OUTBOUNDS: Outbounds = {
    ExpeditionCreated: Outbound[ExpeditionCreated](
        frame=_created_frame,
        channels=lambda e: [user_channel(e.chief_id)],
        stream=lambda _: EXPEDITIONS_STREAM,
        scope="expedition_id",
        subject="chief_id",
    ),
    MemberInvited: _member("member_invited"),
    MemberConfirmed: _member("member_confirmed"),
    MemberDeclined: _member("member_declined"),
    ExpeditionStatusChanged: Outbound[ExpeditionStatusChanged](
        frame=_status_frame,
        channels=lambda e: [expedition_channel(e.expedition_id)],
        stream=lambda _: EXPEDITIONS_STREAM,
        scope="expedition_id",
    ),
}
_PERSONAL_KINDS = frozenset({"member_invited", "expedition_created"})


class ExpeditionFeed:
    """What one socket follows, and its answers to client frames."""

    def __init__(
        self, live: LiveSocket, principal: Principal, expeditions: ExpeditionService, history: EventHistory
    ) -> None:
        self._live, self._principal, self._expeditions, self._history = live, principal, expeditions, history
        self._followed: set[int] = set()

    async def start(self, since: int | None) -> list[int]:
        """Follow the user's channel first, then every expedition they belong to (no invitation slips
        between); then replay what the client missed after ``since``, and let live events through."""
        await self._live.join(user_channel(self._principal.user_id), on_event=self._on_personal_event)
        expedition_ids = await self._expeditions.expedition_ids_of(actor=self._principal)
        for expedition_id in expedition_ids:
            await self._follow(expedition_id)
        floor = await self._history.position(EXPEDITIONS_STREAM)
        if since is not None:
            floor = await replay(self._live, since, self._read, keep=self._shows) or floor
        await self._live.send(
            {"type": "hello", "user_id": self._principal.user_id, "expedition_ids": expedition_ids, "seq": floor}
        )
        self._live.release(floor)
        return expedition_ids

    async def handle(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        action = frame.get("action", frame.get("type"))
        if action == "ping":
            return {"type": "pong"}
        if action == "subscribe":
            expedition_id = _expedition_id(frame)
            await self._expeditions.check_follow(actor=self._principal, expedition_id=expedition_id)
            await self._follow(expedition_id)
            return {"type": "subscribed", "expedition_id": expedition_id}
        if action == "unsubscribe":
            expedition_id = _expedition_id(frame)
            await self._unfollow(expedition_id)
            return {"type": "unsubscribed", "expedition_id": expedition_id}
        if action == "resume":
            await answer_resume(self._live, frame, self._read, keep=self._shows)
            return None
        raise UnknownFrameError("Send an action: subscribe, unsubscribe, resume or ping.")

    async def _read(self, since: int, up_to: int | None) -> list[Envelope] | None:
        return await self._history.since(EXPEDITIONS_STREAM, since, up_to=up_to)

    async def _follow(self, expedition_id: int) -> None:
        self._followed.add(expedition_id)
        await self._live.join(expedition_channel(expedition_id), on_event=self._on_expedition_event)

    async def _unfollow(self, expedition_id: int) -> None:
        self._followed.discard(expedition_id)
        await self._live.leave(expedition_channel(expedition_id))

    async def _shows(self, envelope: Envelope) -> bool:
        """Whether a replayed event is one this socket would have shown live (following as it goes)."""
        if envelope.kind in _PERSONAL_KINDS and envelope.subject_id == self._principal.user_id:
            return await self._on_personal_event(envelope)
        if envelope.scope_id in self._followed:
            return await self._on_expedition_event(envelope)
        return False

    async def _on_personal_event(self, envelope: Envelope) -> bool:
        """The user's new expeditions (invited, or created as chief): follow the expedition, then show the event."""
        if envelope.kind not in _PERSONAL_KINDS or envelope.subject_id != self._principal.user_id:
            return False  # the user channel is shared with other contexts' sockets
        await self._follow(envelope.scope_id)
        return True

    async def _on_expedition_event(self, envelope: Envelope) -> bool:
        """Show every event; after showing the user's own decline, stop following that expedition."""
        if envelope.kind == "member_declined" and envelope.subject_id == self._principal.user_id:
            await self._unfollow(envelope.scope_id)
        return True


def _expedition_id(frame: dict[str, Any]) -> int:
    value = frame.get("expedition_id")
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**63:
        raise MalformedFrameError("`expedition_id` must be a positive integer.")
    return value


@dataclass(frozen=True, slots=True)
class ExpeditionSockets:
    """What the expeditions socket uses, injected as one dependency (see ``ChatSockets``)."""

    accounts: AccountsService
    expeditions: ExpeditionService
    history: EventHistory
    hub: ChannelHub


@socket_route("/ws/expeditions/")
async def expeditions_socket(
    socket: WebSocket[Any, Any, Any],
    expedition_sockets: NamedDependency[ExpeditionSockets],
) -> None:
    """Live expedition events: ``member_invited``, ``member_confirmed``, ``expedition_status``, each
    with its ``seq``.

    After connecting the client gets ``{"type": "hello", "user_id", "expedition_ids", "seq"}``: from
    then on, every followed expedition's events arrive. With ``?since=<seq>`` the events missed after
    that position come first, then ``{"type": "resume", "recovered", ...}``, then the hello.
    """
    principal = await authenticate_socket(socket, expedition_sockets.accounts)
    if principal is None:
        return
    await socket.accept()
    live = LiveSocket(socket, expedition_sockets.hub)
    feed = ExpeditionFeed(live, principal, expedition_sockets.expeditions, expedition_sockets.history)
    try:
        await feed.start(await connect_since(live, socket))
        await live.serve(feed.handle, rate_limit=FrameRateLimiter())
    finally:  # also when the client leaves before the frame loop starts
        await live.leave_all()
