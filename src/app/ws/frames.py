"""Frames on the wire: client frames parsed safely, domain events and errors encoded once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import msgspec

from app.core.shared.bounds import MAX_ID, TEXT_PATTERN, TEXT_RULE, InvalidTextError, check_json_depth
from app.core.shared.domain_events import DomainEvent
from app.core.shared.errors import DomainError, FieldError, InvalidInputError, TooLargeError

MAX_FRAME_BYTES = 64 * 1024

# Field types of client frames: ids are positive 64-bit integers, text keeps the text rule.
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
MessageText = Annotated[str, msgspec.Meta(pattern=TEXT_PATTERN, min_length=1, max_length=4000)]

F = TypeVar("F")
_FRAME_PATH = re.compile(r"at `\$\.?([^`]*)`")

EventFrame = Callable[[Any], dict[str, Any]]

_json_decoder = msgspec.json.Decoder()
_json_encoder = msgspec.json.Encoder()

# Each context registers how its domain events look on the wire: event type → frame builder.
EVENT_FRAMES: dict[type[DomainEvent], EventFrame] = {}


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


def encode_event(event: DomainEvent) -> bytes | None:
    """The wire form of a domain event, or None for events no socket shows."""
    build = EVENT_FRAMES.get(type(event))
    return encode(build(event)) if build else None
