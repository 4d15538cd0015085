"""``/ws/expeditions/``: live events of every expedition the user belongs to.

On connect the socket follows each expedition the user leads or is invited to or confirmed in, and
the user's own channel; when an invitation for the user (or an expedition the user just created)
arrives there, the socket follows that expedition at once. Clients send ``subscribe`` and
``unsubscribe`` (with ``expedition_id``) and ``ping``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from litestar import WebSocket, websocket
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
from app.ws.auth import authenticate_socket
from app.ws.channels import EVENT_ROUTES, user_channel
from app.ws.frames import EVENT_FRAMES, MalformedFrameError, UnknownFrameError
from app.ws.hub import ChannelHub
from app.ws.session import FrameRateLimiter, LiveSocket

FRAMES_PER_SECOND, FRAME_BURST = 20.0, 40


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


def _to_chief(event: ExpeditionCreated) -> Sequence[str]:
    return [user_channel(event.chief_id)]


def _to_expedition(event: MemberConfirmed | MemberDeclined | ExpeditionStatusChanged) -> Sequence[str]:
    return [expedition_channel(event.expedition_id)]


def _to_expedition_and_invitee(event: MemberInvited) -> Sequence[str]:
    # The invitee's sockets do not follow the expedition yet: they hear it on the user's own channel.
    return [expedition_channel(event.expedition_id), user_channel(event.user.id)]


EVENT_FRAMES.update(
    {
        ExpeditionCreated: _created_frame,
        MemberInvited: _member_frame("member_invited"),
        MemberConfirmed: _member_frame("member_confirmed"),
        MemberDeclined: _member_frame("member_declined"),
        ExpeditionStatusChanged: _status_frame,
    }
)
EVENT_ROUTES.update(
    {
        ExpeditionCreated: _to_chief,
        MemberInvited: _to_expedition_and_invitee,
        MemberConfirmed: _to_expedition,
        MemberDeclined: _to_expedition,
        ExpeditionStatusChanged: _to_expedition,
    }
)


class ExpeditionFeed:
    """What one socket follows, and its answers to client frames."""

    def __init__(self, live: LiveSocket, principal: Principal, expeditions: ExpeditionService) -> None:
        self._live, self._principal, self._expeditions = live, principal, expeditions

    async def start(self) -> list[int]:
        """Follow the user's channel first, then every expedition they belong to (no invitation slips between)."""
        await self._live.join(user_channel(self._principal.user_id), on_event=self._on_personal_event)
        expedition_ids = await self._expeditions.expedition_ids_of(actor=self._principal)
        for expedition_id in expedition_ids:
            await self._follow(expedition_id)
        return expedition_ids

    async def handle(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        action = frame.get("action")
        if action == "ping":
            return {"type": "pong"}
        if action == "subscribe":
            expedition_id = _expedition_id(frame)
            await self._expeditions.check_follow(actor=self._principal, expedition_id=expedition_id)
            await self._follow(expedition_id)
            return {"type": "subscribed", "expedition_id": expedition_id}
        if action == "unsubscribe":
            expedition_id = _expedition_id(frame)
            await self._live.leave(expedition_channel(expedition_id))
            return {"type": "unsubscribed", "expedition_id": expedition_id}
        raise UnknownFrameError("Send an action: subscribe, unsubscribe or ping.")

    async def _follow(self, expedition_id: int) -> None:
        await self._live.join(expedition_channel(expedition_id), on_event=self._on_expedition_event)

    async def _on_personal_event(self, data: bytes) -> bool:
        """The user's new expeditions (invited, or created as chief): follow the expedition, then show the event."""
        expedition_id = self._own_event(data, ("member_invited", "expedition_created"))
        if expedition_id is None:
            return False  # the user channel is shared with other contexts' sockets
        await self._follow(expedition_id)
        return True

    async def _on_expedition_event(self, data: bytes) -> bool:
        """Show every event; after showing the user's own decline, stop following that expedition."""
        expedition_id = self._own_event(data, ("member_declined",))
        if expedition_id is not None:
            await self._live.leave(expedition_channel(expedition_id))
        return True

    def _own_event(self, data: bytes, kinds: tuple[str, ...]) -> int | None:
        """The expedition id of an event of one of ``kinds`` about this socket's user, else None."""
        if not any(kind.encode() in data for kind in kinds):
            return None
        try:
            event = msgspec.json.decode(data)
        except msgspec.DecodeError:
            return None
        if not isinstance(event, dict) or event.get("type") not in kinds:
            return None
        subject = event["chief_id"] if event["type"] == "expedition_created" else event.get("user", {}).get("id")
        if subject != self._principal.user_id:
            return None
        return int(event["expedition_id"])


def _expedition_id(frame: dict[str, Any]) -> int:
    value = frame.get("expedition_id")
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**63:
        raise MalformedFrameError("`expedition_id` must be a positive integer.")
    return value


@websocket("/ws/expeditions/")
async def expeditions_socket(
    socket: WebSocket[Any, Any, Any],
    hub: NamedDependency[ChannelHub],
    accounts: NamedDependency[AccountsService],
    expeditions: NamedDependency[ExpeditionService],
) -> None:
    """Live expedition events: ``member_invited``, ``member_confirmed``, ``expedition_status``.

    After connecting the client gets ``{"type": "hello", "user_id", "expedition_ids"}``: from then on,
    every followed expedition's events arrive.
    """
    principal = await authenticate_socket(socket, accounts)
    if principal is None:
        return
    await socket.accept()
    live = LiveSocket(socket, hub)
    feed = ExpeditionFeed(live, principal, expeditions)
    try:
        expedition_ids = await feed.start()
        await live.send({"type": "hello", "user_id": principal.user_id, "expedition_ids": expedition_ids})
        await live.serve(feed.handle, rate_limit=FrameRateLimiter(FRAMES_PER_SECOND, FRAME_BURST))
    finally:  # also when the client leaves before the frame loop starts
        await live.leave_all()
