"""Client frames of the chat socket (seed 002 names, and seed 004's bare ``{"message": "text"}``)."""

from __future__ import annotations

from typing import Any

import msgspec

from app.ws.frames import Id, MalformedFrameError, MessageText, UnknownFrameError, convert_frame


class SendFrame(msgspec.Struct, tag="message", tag_field="type", forbid_unknown_fields=True):
    text: MessageText = ""  # filled from ``message`` when only that is sent
    message: MessageText | None = None  # seed 004 names the text "message"
    reply_to: Id | None = None
    client_id: str | None = None  # the sender's idempotency key, echoed on the stored message and on errors


class TypingFrame(msgspec.Struct, tag="typing", tag_field="type", forbid_unknown_fields=True):
    is_typing: bool = True


class ReadFrame(msgspec.Struct, tag="read", tag_field="type", forbid_unknown_fields=True):
    last_read_message_id: Id


class ForwardFrame(msgspec.Struct, tag="forward", tag_field="type", forbid_unknown_fields=True):
    message_id: Id
    target_chat_id: Id


class EditFrame(msgspec.Struct, tag="edit", tag_field="type", forbid_unknown_fields=True):
    message_id: Id
    text: MessageText


class DeleteFrame(msgspec.Struct, tag="delete", tag_field="type", forbid_unknown_fields=True):
    message_id: Id


class PinFrame(msgspec.Struct, tag="pin", tag_field="type", forbid_unknown_fields=True):
    message_id: Id
    pinned: bool = True


ClientFrame = SendFrame | TypingFrame | ReadFrame | ForwardFrame | EditFrame | DeleteFrame | PinFrame
CLIENT_FRAME_TYPES = frozenset({"message", "typing", "read", "forward", "edit", "delete", "pin"})


def parse_client_frame(frame: dict[str, Any]) -> ClientFrame:
    """Turn a decoded client frame into one of the known frames, or raise the error to answer with."""
    if "type" not in frame and set(frame) <= {"message", "reply_to", "client_id"}:
        frame = {**frame, "type": "message"}
    kind = frame.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_FRAME_TYPES:
        raise UnknownFrameError(
            f"Unknown frame type {kind!r}; expected one of {', '.join(sorted(CLIENT_FRAME_TYPES))}."
        )
    parsed: ClientFrame = convert_frame(frame, ClientFrame)  # type: ignore[arg-type]
    if isinstance(parsed, SendFrame):
        text = parsed.text or parsed.message
        if not text:
            raise MalformedFrameError("A message frame needs a string text (and an integer reply_to, if any).")
        parsed.text = text
    return parsed
