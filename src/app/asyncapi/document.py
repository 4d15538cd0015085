"""The AsyncAPI 3 document of the sockets, built from the frame types themselves: the client
frame structs, the outbound tables (``OUTBOUNDS``) through their frame builders, and the frames
the sockets write directly (``app.asyncapi.frames``)."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

import msgspec

from app.asyncapi import frames as control
from app.asyncapi.samples import event_frame_schema, merge, sample, shape
from app.core.chat.domain_events import (
    ChatCreated,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessagePosted,
    MessagesRead,
)
from app.core.chat.model import Message
from app.ws import chat as chat_socket
from app.ws import chat_frames, chat_list, chat_wire, event_metrics, ticketing
from app.ws import expeditions as expeditions_socket
from app.ws.auth import UNAUTHENTICATED_CLOSE_CODE
from app.ws.frames import MAX_FRAME_BYTES, Outbounds
from app.ws.resume import ResumeFrame

ASYNCAPI_VERSION = "3.0.0"
_REFS = "#/components/schemas/{name}"


@dataclass(frozen=True)
class Socket:
    """One socket: where it is, what it sends and reads, and how it closes."""

    key: str
    address: str
    title: str
    description: str
    outbounds: Outbounds
    sends: Sequence[type[msgspec.Struct]]
    reads: Sequence[type[msgspec.Struct]]
    close_codes: dict[int, str]
    parameters: dict[str, str] = field(default_factory=dict)


_CLOSE_UNAUTHENTICATED = {UNAUTHENTICATED_CLOSE_CODE: "No valid token (`?token=` or `Authorization: Bearer`)."}
_ANSWERS = (control.ErrorFrame, control.ResumeOutcomeFrame)

SOCKETS: tuple[Socket, ...] = (
    Socket(
        key="expeditions",
        address="/ws/expeditions/",
        title="Expeditions",
        description=inspect.cleandoc(expeditions_socket.__doc__ or ""),
        outbounds=expeditions_socket.OUTBOUNDS,
        sends=(control.HelloFrame, control.PongFrame, control.SubscribedFrame, control.UnsubscribedFrame, *_ANSWERS),
        reads=(control.SubscribeFrame, control.UnsubscribeFrame, control.PingFrame, ResumeFrame),
        close_codes=_CLOSE_UNAUTHENTICATED,
    ),
    Socket(
        key="eventMetrics",
        address="/ws/events/{event_id}/",
        title="Event metrics",
        description=inspect.cleandoc(event_metrics.event_metrics_socket.fn.__doc__ or ""),
        outbounds=ticketing.OUTBOUNDS,
        sends=(control.PongFrame, *_ANSWERS),
        reads=(control.PingFrame, control.RefreshFrame, ResumeFrame),
        close_codes={
            **_CLOSE_UNAUTHENTICATED,
            event_metrics.NOT_FOUND_CLOSE_CODE: "The event does not exist or the caller may not see it.",
        },
        parameters={"event_id": "The ticketed event's id."},
    ),
    Socket(
        key="chat",
        address="/ws/chat/{chat_id}/",
        title="Chat",
        description=inspect.cleandoc(chat_socket.chat_socket.fn.__doc__ or ""),
        outbounds=chat_wire.OUTBOUNDS,
        sends=(control.HistoryFrame, control.PresenceFrame, control.UnreadFrame, control.ForwardedFrame, *_ANSWERS),
        reads=(*get_args(chat_frames.ClientFrame), ResumeFrame),
        close_codes={
            **_CLOSE_UNAUTHENTICATED,
            chat_socket.NOT_A_MEMBER_CLOSE_CODE: "Not a member of the chat, or removed from it while connected.",
            chat_socket.NO_SUCH_CHAT_CLOSE_CODE: "The chat does not exist.",
            chat_socket.TRY_AGAIN_LATER_CLOSE_CODE: "The database or Redis is away for a moment; reconnect later.",
        },
        parameters={"chat_id": "The chat's id."},
    ),
    Socket(
        key="chatList",
        address="/ws/chats/",
        title="Chat list",
        description=inspect.cleandoc(chat_list.__doc__ or ""),
        outbounds={
            kind: outbound
            for kind, outbound in chat_wire.OUTBOUNDS.items()
            if kind in (MessagePosted, MessageDeleted, MessagesRead, ChatCreated, MemberJoined, MemberLeft)
        },
        sends=(control.ChatsFrame, control.PongFrame, control.ErrorFrame),
        reads=(control.PingFrame,),
        close_codes=_CLOSE_UNAUTHENTICATED,
    ),
)

RESUME = (
    "Every kept event carries `seq`, its position in its stream. Reconnect with `?since=<seq>` (or send "
    '`{"type": "resume", "since": <seq>}`) to receive exactly what was missed, in order, then a `resume` '
    'frame, then live events. `{"type": "resume", "recovered": false}` means the history no longer reaches '
    "back that far: refetch over HTTP."
)


def _kind_of(struct: type[msgspec.Struct]) -> str:
    return str(struct.__struct_config__.tag)


def _summary(kind: type[Any]) -> str:
    doc = inspect.getdoc(kind) or ""
    return "" if doc.startswith(f"{kind.__name__}(") else doc


def build(version: str) -> dict[str, Any]:
    """The AsyncAPI 3 document of every socket."""
    structs = sorted({s for socket in SOCKETS for s in (*socket.sends, *socket.reads)}, key=lambda s: s.__name__)
    _, schemas = msgspec.json.schema_components(structs, ref_template=_REFS)
    message = merge(*(shape(chat_wire.message_frame(sample(Message, filled=f))) for f in (True, False)))
    schemas["ChatMessage"] = message
    schemas["HistoryFrame"]["properties"]["messages"]["items"] = {"$ref": _REFS.format(name="ChatMessage")}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for socket in SOCKETS:
        sent: list[str] = []
        for event_type, outbound in socket.outbounds.items():
            kind, schema = event_frame_schema(event_type, outbound)
            name = f"{event_type.__name__}Frame"
            schemas[name] = schema
            messages[name] = _message(kind, name, _summary(event_type) or f"Sent on {event_type.__name__}.")
            sent.append(name)
        for struct in socket.sends:
            messages[struct.__name__] = _message(_kind_of(struct), struct.__name__, _summary(struct))
            sent.append(struct.__name__)
        read = [struct.__name__ for struct in socket.reads]
        for struct in socket.reads:
            messages[struct.__name__] = _message(_kind_of(struct), struct.__name__, _summary(struct))
        channels[socket.key] = _channel(socket, [*sent, *read])
        operations[f"{socket.key}.send"] = _operation("send", socket.key, sent, "Frames the server sends.")
        operations[f"{socket.key}.receive"] = _operation("receive", socket.key, read, "Frames the server accepts.")
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Muster sockets",
            "version": version,
            "description": (
                "The live side of Muster: JSON text frames over WebSockets on the same host as the HTTP API. "
                f"Frames are at most {MAX_FRAME_BYTES} bytes. A refused client frame is answered with an "
                "`error` frame (the same `code`s as HTTP) and the socket stays open.\n\n"
                f"**Resuming.** {RESUME}"
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": {
                "queryToken": {
                    "type": "httpApiKey",
                    "name": "token",
                    "in": "query",
                    "description": "The access token.",
                },
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
    }


def _message(kind: str, name: str, summary: str) -> dict[str, Any]:
    body: dict[str, Any] = {"name": kind, "title": kind, "payload": {"$ref": _REFS.format(name=name)}}
    if summary:
        body["summary"] = summary.splitlines()[0]
        body["description"] = summary
    return body


def _channel(socket: Socket, names: list[str]) -> dict[str, Any]:
    closes = "\n".join(f"- `{code}`: {why}" for code, why in sorted(socket.close_codes.items()))
    channel: dict[str, Any] = {
        "address": socket.address,
        "title": socket.title,
        "description": f"{socket.description}\n\n**Close codes**\n\n{closes}",
        "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in names},
        "bindings": {
            "ws": {
                "method": "GET",
                "query": {
                    "type": "object",
                    "properties": {
                        "token": {"type": "string", "description": "The access token (or send `Authorization`)."},
                        "since": {"type": "integer", "minimum": 0, "description": "Resume after this `seq`."},
                    },
                },
                "bindingVersion": "0.1.0",
            }
        },
        "x-close-codes": [{"code": code, "reason": why} for code, why in sorted(socket.close_codes.items())],
    }
    if socket.parameters:
        channel["parameters"] = {name: {"description": text} for name, text in socket.parameters.items()}
    return channel


def _operation(action: str, channel: str, names: list[str], summary: str) -> dict[str, Any]:
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel}"},
        "summary": summary,
        "security": [
            {"$ref": "#/components/securitySchemes/queryToken"},
            {"$ref": "#/components/securitySchemes/bearer"},
        ],
        "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in names],
    }
