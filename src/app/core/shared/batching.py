"""Serving many concurrent requests on one key in batches, one transaction per batch.

Requests on one key (the reservations of one event, the messages of one chat) would otherwise queue
behind one another, each paying a whole transaction (and, for reservations, a row lock). Instead, the
requests that arrive while a batch is being served wait together and are served, in arrival order, by
the next batch: one transaction for all of them. Uncontended requests form batches of one.

Arrival order is the order of ``submit`` calls: a request is queued before ``submit`` first yields.

Batches are invisible to their members: when storage refuses a batch because of one of its items (an
``ItemRefusedError``), the batch is split in two and each half is served again, in order, each in its
own transaction, until the item at fault is alone and gets the error by itself; every other request
is stored and answered as if it had been alone. The common case pays nothing for this: a batch that
stores cleanly runs once. A batch of one that is refused is served once more on its own before the
error stands, so a request that lost a race (a concurrent write of the same idempotency key) is
answered from what the winner stored."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.core.shared.errors import ItemRefusedError

Req = TypeVar("Req")
Res = TypeVar("Res")
Key = TypeVar("Key", bound=Hashable)


@dataclass(slots=True)
class Pending(Generic[Req, Res]):
    """One queued request and the future its caller awaits."""

    request: Req
    future: asyncio.Future[Res] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def resolve(self, result: Res) -> None:
        if not self.future.done():
            self.future.set_result(result)

    def fail(self, error: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(error)


BatchHandler = Callable[[Hashable, list[Pending[Req, Res]]], Awaitable[None]]
BatchObserver = Callable[[str, int], None]
_observers: dict[str, BatchObserver] = {}


def observe_batches(observer: BatchObserver) -> None:
    """Call ``observer(kind, size)`` for every batch served from now on, by every batcher (once per
    observer however often it is registered)."""
    _observers[getattr(observer, "__qualname__", repr(observer))] = observer


class KeyedBatcher(Generic[Req, Res]):
    """Per key, at most one batch is served at a time; ``handle`` must resolve or fail every request
    of its batch (any it leaves, or all when it raises, get the error). ``handle`` resolves requests
    only after its transaction committed, so a batch it raises from may be served again (without the
    requests it already answered)."""

    def __init__(self, handle: BatchHandler[Req, Res], *, max_batch: int = 500, kind: str = "batch") -> None:
        self._handle, self._max_batch, self._kind = handle, max_batch, kind
        self._queues: dict[Hashable, deque[Pending[Req, Res]]] = {}
        self._workers: dict[Hashable, asyncio.Task[None]] = {}

    async def submit(self, key: Hashable, request: Req) -> Res:
        pending: Pending[Req, Res] = Pending(request)
        self._queues.setdefault(key, deque()).append(pending)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._serve(key))
        return await asyncio.shield(pending.future)

    async def _serve(self, key: Hashable) -> None:
        queue = self._queues[key]
        try:
            while queue:
                batch = [queue.popleft() for _ in range(min(len(queue), self._max_batch))]
                for observe in _observers.values():
                    observe(self._kind, len(batch))
                try:
                    await self._isolate(key, batch, rerun=False)
                except BaseException as error:
                    for pending in batch:
                        pending.fail(error)
                    if not isinstance(error, Exception):
                        raise
                missing = RuntimeError("The batch handler left a request unanswered.")
                for pending in batch:
                    pending.fail(missing)
        finally:
            del self._workers[key]
            if not queue:
                del self._queues[key]
            else:  # stopped early (cancelled): whoever is left is failed rather than left waiting
                for pending in queue:
                    pending.fail(RuntimeError("The batch queue stopped."))
                del self._queues[key]

    async def _isolate(self, key: Hashable, batch: list[Pending[Req, Res]], *, rerun: bool) -> None:
        """Serve ``batch``; when storage refuses one of its items, serve its halves again until the
        item at fault is alone (``rerun``: this batch is such a half, served after a refusal)."""
        try:
            await self._handle(key, batch)
        except ItemRefusedError as error:
            waiting = [pending for pending in batch if not pending.future.done()]
            if len(waiting) > 1:
                middle = len(waiting) // 2
                await self._isolate(key, waiting[:middle], rerun=True)
                await self._isolate(key, waiting[middle:], rerun=True)
            elif waiting and not rerun:
                await self._isolate(key, waiting, rerun=True)
            else:
                for pending in waiting:
                    pending.fail(error)


class Repeats(Generic[Key, Req, Res]):
    """The requests of one batch that repeat an idempotency key get the first request's result:
    the one stored before the batch (``stored``), or the one first placed in this batch."""

    def __init__(self, stored: Mapping[Key, Res]) -> None:
        self._stored = stored
        self._placed: dict[Key, list[Pending[Req, Res]]] = {}

    def answered(self, key: Key | None, pending: Pending[Req, Res]) -> bool:
        """True when ``pending`` repeats a key: it is answered now, or with the request placed first."""
        if key is None:
            return False
        if key in self._stored:
            pending.resolve(self._stored[key])
            return True
        if key in self._placed:
            self._placed[key].append(pending)
            return True
        return False

    def place(self, key: Key | None, pending: Pending[Req, Res]) -> list[Pending[Req, Res]]:
        """The requests to answer with ``pending``'s result: itself, and the repeats that follow it."""
        group = [pending]
        if key is not None:
            self._placed[key] = group
        return group
