"""Frames on the wire: client frames parsed safely, domain events and errors encoded once."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import msgspec

from app.core.shared.bounds import MAX_ID, TEXT_PATTERN, TEXT_RULE, InvalidTextError, check_json_depth
from app.core.shared.domain_events import DomainEvent
from app.core.shared.errors import DomainError, FieldError, InvalidInputError, TooLargeError
from app.ports.notifier import Envelope, Routed

MAX_FRAME_BYTES = 64 * 1024

# Field types of client frames: ids are positive 64-bit integers, text keeps the text rule.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
MessageText = Annotated[str, msgspec.Meta(pattern=TEXT_PATTERN, min_length=1, max_length=4000)]

F = TypeVar("F")
E = TypeVar("E", bound=DomainEvent)
_FRAME_PATH = re.compile(r"at `\$\.?([^`]*)`")

_json_decoder = msgspec.json.Decoder()
_json_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)  # no slots: ``Outbound[X](...)`` sets ``__orig_class__``
class Outbound(Generic[E]):
    """How one kind of domain event goes out: its frame, the channels that hear it, and the history
    stream that keeps it. ``scope``, ``subject`` and ``item`` name the frame fields (dotted for
    nested ones) that fill the envelope's ids; a frame's ``seq`` field, when it has one, is its
    position (chat changes are numbered by the database)."""

    frame: Callable[[E], dict[str, Any]]
    channels: Callable[[E], Sequence[str]]
    stream: Callable[[E], str] | None = None
    scope: str = ""
    subject: str = ""
    item: str = ""


# What a context declares: event type → how it goes out. The composition root assembles them.
Outbounds = Mapping[type[DomainEvent], Outbound[Any]]


class MalformedFrameError(InvalidInputError):
    code = "invalid_frame"
    default_detail = "Frames must be JSON objects."


class UnknownFrameError(InvalidInputError):
    code = "unknown_frame"
    default_detail = "This frame type or action is not known."


class FrameTooLargeError(TooLargeError):
    code = "frame_too_large"
    default_detail = "The frame is larger than allowed."


def decode_client_frame(raw: str | bytes, *, max_bytes: int = MAX_FRAME_BYTES) -> dict[str, Any]:
    """Parse a client frame into a JSON object, or raise a ``DomainError`` to answer with."""
    if len(raw) > max_bytes:
        raise FrameTooLargeError(f"Frames are limited to {max_bytes} bytes.")
    try:
        frame = _json_decoder.decode(check_json_depth(raw.encode() if isinstance(raw, str) else raw))
    except (msgspec.DecodeError, UnicodeDecodeError) as error:
        raise MalformedFrameError() from error
    if not isinstance(frame, dict):
        raise MalformedFrameError()
    return frame


def convert_frame(frame: dict[str, Any], kind: type[F]) -> F:
    """A decoded frame as the struct ``kind``; a field out of its bounds raises the error to answer with
    (``invalid_text`` for control characters, else ``invalid_frame``), naming the field."""
    try:
        return msgspec.convert(frame, kind)
    except msgspec.ValidationError as error:
        message = str(error)
        match = _FRAME_PATH.search(message)
        field = match.group(1) if match else ""
        if repr(TEXT_PATTERN) in message:
            raise InvalidTextError(errors=[FieldError(field, TEXT_RULE)]) from error
        raise MalformedFrameError(message, errors=[FieldError(field, message)] if field else None) from error


def error_frame(error: DomainError) -> dict[str, Any]:
    """The frame a socket answers a refused client frame with; the socket stays open."""
    frame: dict[str, Any] = {"type": "error", "code": error.code, "detail": error.detail}
    frame.update(error.extras())
    if isinstance(error, InvalidInputError) and error.errors:
        frame["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    return frame


def encode(frame: dict[str, Any]) -> bytes:
    return _json_encoder.encode(frame)


def _field(frame: dict[str, Any], path: str) -> int:
    value: Any = frame
    for key in path.split(".") if path else ():
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class EventWire:
    """Every context's outbounds in one table: each event becomes one envelope, encoded once."""

    def __init__(self, *tables: Outbounds) -> None:
        self._outbounds: dict[type[DomainEvent], Outbound[Any]] = {}
        for table in tables:
            taken = self._outbounds.keys() & table.keys()
            if taken:
                raise ValueError(f"declared twice: {', '.join(sorted(t.__name__ for t in taken))}")
            self._outbounds.update(table)

    def envelope(self, event: DomainEvent) -> Envelope | None:
        """The event as sockets receive it, or None for events no socket shows."""
        outbound = self._outbounds.get(type(event))
        return None if outbound is None else self._wrap(outbound, event)

    def route(self, event: DomainEvent) -> Routed | None:
        """The envelope with its channels and history stream (handed to the notifier)."""
        outbound = self._outbounds.get(type(event))
        if outbound is None:
            return None
        stream = outbound.stream(event) if outbound.stream else None
        return Routed(self._wrap(outbound, event), list(outbound.channels(event)), stream)

    @staticmethod
    def _wrap(outbound: Outbound[Any], event: DomainEvent) -> Envelope:
        frame = outbound.frame(event)
        return Envelope(
            kind=str(frame["type"]),
            frame=encode(frame),
            seq=_field(frame, "seq"),
            scope_id=_field(frame, outbound.scope),
            subject_id=_field(frame, outbound.subject),
            item_id=_field(frame, outbound.item),
        )
