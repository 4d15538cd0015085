"""Publishing domain events to live subscribers, and the envelope they travel in."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, Self

from app.core.shared.domain_events import DomainEvent

# seq, scope_id, subject_id, item_id, length of kind: a fixed header, then kind and frame bytes.
_HEADER = struct.Struct(">qqqqH")


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """One event on its way to sockets: the fields sockets decide on, beside the frame encoded once.

    ``kind`` is the frame's ``type``; ``scope_id`` the chat, expedition or ticketed event it belongs
    to; ``subject_id`` the user it is about (sender, invitee, chief, member who left), 0 for none;
    ``item_id`` the message it concerns, 0 for none; ``seq`` its position in its stream (0 for
    events that are not kept, such as typing and presence).
    """

    kind: str
    frame: bytes
    seq: int = 0
    scope_id: int = 0
    subject_id: int = 0
    item_id: int = 0

    def at(self, seq: int) -> Self:
        """This envelope at position ``seq``, the frame carrying ``"seq"`` as its first field."""
        body = self.frame[1:] if self.frame == b"{}" else b"," + self.frame[1:]
        return replace(self, seq=seq, frame=b'{"seq":%d' % seq + body)

    def pack(self) -> bytes:
        kind = self.kind.encode()
        return _HEADER.pack(self.seq, self.scope_id, self.subject_id, self.item_id, len(kind)) + kind + self.frame

    @classmethod
    def unpack(cls, data: bytes) -> Envelope:
        """The envelope ``pack`` made; ``ValueError`` for anything else."""
        try:
            seq, scope_id, subject_id, item_id, size = _HEADER.unpack_from(data)
        except struct.error as error:
            raise ValueError("not an envelope") from error
        start = _HEADER.size + size
        kind, frame = data[_HEADER.size : start], data[start:]
        if len(kind) != size:
            raise ValueError("not an envelope")
        return cls(kind=kind.decode(), frame=frame, seq=seq, scope_id=scope_id, subject_id=subject_id, item_id=item_id)


@dataclass(frozen=True, slots=True)
class Routed:
    """An event ready to publish: its envelope, the channels that hear it, and the history stream
    that keeps it (None for events that are not kept, or are kept by their own context)."""

    envelope: Envelope
    channels: Sequence[str]
    stream: str | None = None


class Notifier(Protocol):
    """Delivers domain events to every subscriber of the channels they concern, in any server process."""

    async def publish(self, *events: DomainEvent) -> None: ...
