"""Delivery receipts: which members get them, and how often a socket writes one.

A receipt says "delivered up to message id". A socket notes every message of someone else it
forwards and writes the highest one at most once per ``interval_s`` (the first note opens the
window, its end writes what the window saw), and once more when it closes. A burst of N messages
to M members so costs about M receipt writes per window, not N times M.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from app.core.chat.model import ChatKind

logger = logging.getLogger("app.chat")

RECEIPT_INTERVAL_S = 1.0


def keeps_receipts(kind: ChatKind) -> bool:
    """Private chats and groups keep delivery receipts; rooms, open to anyone, keep none."""
    return kind is not ChatKind.ROOM


class DeliveryReceipts:
    """The debounced receipts of one socket; ``write(message_id)`` stores and announces one."""

    __slots__ = ("_closed", "_interval_s", "_noted", "_timer", "_write", "_written")

    def __init__(self, write: Callable[[int], Awaitable[None]], *, interval_s: float = RECEIPT_INTERVAL_S) -> None:
        self._write, self._interval_s = write, interval_s
        self._noted = 0  # the highest message noted
        self._written = 0  # the highest message written
        self._timer: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def pending(self) -> bool:
        return self._noted > self._written

    def delivered(self, message_id: int) -> None:
        """Note that ``message_id`` (and every message before it) reached this socket."""
        if self._closed or message_id <= self._noted:
            return
        self._noted = message_id
        if self._timer is None:
            self._timer = asyncio.get_running_loop().create_task(self._after_window())

    async def close(self) -> None:
        """Write what is still pending; later notes are ignored."""
        self._closed = True
        if self._timer is not None and self._timer is not asyncio.current_task():
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        self._timer = None
        await self._flush()

    async def _after_window(self) -> None:
        try:
            await asyncio.sleep(self._interval_s)
            await asyncio.shield(self._flush())  # a socket closing meanwhile does not cut the write short
        finally:
            self._timer = None

    async def _flush(self) -> None:
        if not self.pending:
            return
        upto = self._noted
        self._written = upto
        try:
            await self._write(upto)
        except Exception:  # a receipt must never break the socket
            logger.exception("could not record delivery up to message %s", upto)
