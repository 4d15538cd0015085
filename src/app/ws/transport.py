"""Encoded frames written straight to a socket's transport: the fan-out's short path.

An event that goes to many sockets is framed once (``text_frame``: the RFC 6455 header and the
JSON bytes, unmasked as a server sends them), and each socket that can take it at once gets those
very bytes with one ``transport.write``: no text decode and re-encode, no ASGI event, no per-socket
frame. A socket qualifies while uvicorn's sans-I/O WebSocket protocol serves it, its handshake is
done, nothing closed it, and its transport is not pushing back; otherwise (another server, a
middleware of unknown shape around ``send``, a slow client) ``DirectWriter.write`` says no and the caller sends
through the ASGI interface as usual. Frames are never compressed: with per-message deflate on, an
uncompressed message (RSV1 clear) stays valid (RFC 7692 §6).
"""

from __future__ import annotations

import inspect
import struct
from typing import Any

_TEXT_FIN = 0x81  # FIN, opcode 1 (text)


def text_frame(payload: bytes) -> bytes:
    """One unfragmented, unmasked text frame carrying ``payload`` (UTF-8 JSON)."""
    size = len(payload)
    if size < 126:
        return bytes((_TEXT_FIN, size)) + payload
    if size < 1 << 16:
        return struct.pack(">BBH", _TEXT_FIN, 126, size) + payload
    return struct.pack(">BBQ", _TEXT_FIN, 127, size) + payload


_PROTOCOL_FIELDS = ("transport", "writable", "close_sent", "disconnected", "handshake_complete")
_MAX_WRAPPERS = 8


def _server_protocol(send: Any) -> Any:
    """The uvicorn protocol behind an ASGI ``send``, through the wrappers around it: closures over
    the one send they wrap (Litestar's exception middleware, its socket's disconnect guard), and
    methods of objects that keep it as ``asgi_send`` (the request context's socket counter, the
    app's ``LeanWebSocket``); None when it is not found."""
    for _ in range(_MAX_WRAPPERS):
        owner = getattr(send, "__self__", None)
        if getattr(send, "__name__", "") == "send" and all(hasattr(owner, f) for f in _PROTOCOL_FIELDS):
            return owner
        if owner is not None and hasattr(owner, "asgi_send"):
            send = owner.asgi_send
            continue
        inner = [
            cell.cell_contents
            for cell in getattr(send, "__closure__", None) or ()
            if inspect.isfunction(cell.cell_contents) or inspect.ismethod(cell.cell_contents)
        ]
        if len(inner) != 1:
            return None
        send = inner[0]
    return None


class DirectWriter:
    """Writes framed bytes to the transport under one ASGI ``send``, when that is safe right now."""

    __slots__ = ("_protocol",)

    def __init__(self, send: Any) -> None:
        self._protocol = _server_protocol(send)

    @property
    def available(self) -> bool:
        """Whether this socket's server lets frames through directly at all."""
        return self._protocol is not None

    def write(self, frame: bytes) -> bool:
        """Write ``frame`` now if the socket is open and its transport keeps up; whether it was."""
        protocol = self._protocol
        if (
            protocol is None
            or protocol.close_sent
            or protocol.disconnected
            or not protocol.handshake_complete
            or not protocol.writable.is_set()
        ):
            return False
        transport = protocol.transport
        if transport.is_closing():
            return False
        transport.write(frame)
        return True
