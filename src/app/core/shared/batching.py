"""Serving many concurrent requests on one key in batches, one transaction per batch.

Requests on one key (the reservations of one event, the messages of one chat) would otherwise queue
behind one another, each paying a whole transaction (and, for reservations, a row lock). Instead, the
requests that arrive while a batch is being served wait together and are served, in arrival order, by
the next batch: one transaction for all of them. Uncontended requests form batches of one.

Arrival order is the order of ``submit`` calls: a request is queued before ``submit`` first yields."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Req = TypeVar("Req")
Res = TypeVar("Res")


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


class KeyedBatcher(Generic[Req, Res]):
    """Per key, at most one batch is served at a time; ``handle`` must resolve or fail every request
    of its batch (any it leaves, or all when it raises, get the error)."""

    def __init__(self, handle: BatchHandler[Req, Res], *, max_batch: int = 500) -> None:
        self._handle, self._max_batch = handle, max_batch
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
                try:
                    await self._handle(key, batch)
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
