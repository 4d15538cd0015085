"""One window of a SQL query's rows and their count in one round trip, the count capped so that a
first page costs the same whatever the size of the table (see ``PageRequest.count_cap``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ScalarSelect, Select, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.shared.paging import PageRequest

AnySelect = Select[*tuple[Any, ...]]


def capped_count(query: AnySelect, page: PageRequest) -> ScalarSelect[int]:
    """``count(*)`` of ``query``'s rows, stopping at ``page.count_cap``: a scalar subquery."""
    rows: AnySelect = query.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)
    return select(func.count()).select_from(rows.limit(page.count_cap).subquery()).scalar_subquery()


async def window(session: AsyncSession, query: AnySelect, page: PageRequest) -> tuple[list[Sequence[Any]], int]:
    """The rows of the ordered ``query`` inside ``page`` (tuples of its columns) and how many rows
    it has, counted up to ``page.count_cap`` (build the page with ``Page.counted``).

    The count rides on the page query as an uncorrelated scalar subquery, which both databases
    evaluate once; a second query runs only when the window is empty past the first page (or
    ``limit`` is 0) and the count is still wanted.
    """
    count = capped_count(query, page)
    if page.limit:
        result = await session.execute(query.add_columns(count.label("counted")).limit(page.limit).offset(page.offset))
        rows = result.all()
        if rows:
            return [tuple(row)[:-1] for row in rows], int(rows[0][-1])
        if page.offset == 0:
            return [], 0
    return [], int(await session.scalar(select(count)) or 0)
