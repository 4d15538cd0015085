"""The unit of work: one transaction. Each context declares the repositories it sees in its own
``<Context>UnitOfWork`` (next to its repository ports); one SQL unit of work implements them all."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self


class Transaction(Protocol):
    """A transaction. Leaving the block without ``commit()`` rolls everything back."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
