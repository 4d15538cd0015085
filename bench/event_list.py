"""The public event list at 1,000 and at 100,000 events on PostgreSQL: a filtered, ordered page must
cost about the same (target: the 100,000-event time at most 2x the 1,000-event time).

Both datasets hold the same 1,000 events of 2030 (published, a few organized by one "target"
organization); the larger one adds 99,000 events of other years and statuses, organized by other
organizations. The timed pages are what a client asks for:

- ``?date__gte=2030-06-01&date__lte=2030-06-30&ordering=-date&limit=20`` (a date window, latest first),
- ``?organization=<target>&ordering=date&limit=20`` (one organization's events),
- ``?search=…&date=…`` (a title search inside one day).

Each goes through ``EventDirectoryService.list_published`` (query parsing, the count and the page
queries, mapping rows to events), timed ``--repeat`` times; the median is compared. The unfiltered first
page (67,000 published events at the larger size) must stay within 1.3x: its ``count`` stops 1,000 rows
past the page.

Usage: ``.venv/bin/python -m bench.event_list --database-url postgresql://…/scratch [--repeat 200]``.
The database's ``public`` schema is DROPPED and rebuilt: give it a throwaway database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url, is_sqlite
from app.adapters.db.migrations import upgrade
from app.bootstrap import build_services
from app.core.event_directory.listing import event_query
from app.core.shared.paging import PageRequest
from app.settings import Settings
from bench.harness import BENCH_SECRET

TARGET_RATIO = 2.0
UNFILTERED_TARGET = 1.3
KEPT = 1_000  # the events of 2030, in both datasets
TARGET_ORG_EVENTS = 50

QUERIES: dict[str, dict[str, str | int]] = {
    "date window, -date": {"date__gte": "2030-06-01", "date__lte": "2030-06-30", "ordering": "-date"},
    "organization, date": {"organization": 1, "ordering": "date"},
    "search in one day": {"search": "hike #12", "date": "2030-01-05"},
}
UNFILTERED = {"ordering": "date"}

SEED_USERS_AND_ORGANIZATIONS = """
INSERT INTO users (email, name, password_hash, is_active, is_chief, is_organizer, is_admin, created_at, updated_at)
VALUES ('bench@example.com', 'Bench', 'x', true, false, true, false, now(), now());
INSERT INTO organizations (title, description, address, postcode, created_by, created_at, updated_at)
SELECT 'Org ' || g, '', 'Street ' || g, '1000' || g, 1, now(), now() FROM generate_series(1, 21) AS g;
"""

# Events 1..1000: 2030, published, every 8 h 45 min; the first 50 are organized by organization 1.
# Events 1001..N: other years (2000-2029 and 2031-2059), a third of them drafts or cancelled.
SEED_EVENTS = """
INSERT INTO events (owner_id, title, title_folded, description, starts_at, location, capacity,
                    requires_approval, status, created_at, updated_at)
SELECT 1,
       'Night hike #' || g, 'night hike #' || g, '',
       CASE WHEN g <= :kept THEN timestamptz '2030-01-01' + (g * interval '525 minutes')
            WHEN g % 2 = 0 THEN timestamptz '2000-01-01' + ((g * 7919) % 946080000) * interval '1 second'
            ELSE timestamptz '2031-01-01' + ((g * 7919) % 915840000) * interval '1 second' END,
       '', 50, false,
       CASE WHEN g <= :kept OR g % 3 <> 0 THEN 'published' WHEN g % 2 = 0 THEN 'draft' ELSE 'cancelled' END,
       now(), now()
FROM generate_series(1, :total) AS g;
INSERT INTO event_organizations (event_id, organization_id, created_at, updated_at)
SELECT g, CASE WHEN g <= :target THEN 1 ELSE 2 + g % 20 END, now(), now() FROM generate_series(1, :total) AS g;
"""


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    count: int
    buffers: int = 0  # shared buffers the page's statements touched: what the load on the machine cannot blur


async def reset(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


async def seed(engine: AsyncEngine, total: int) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("TRUNCATE events, event_organizations, organizations, users RESTART IDENTITY CASCADE")
        )
        for statement in SEED_USERS_AND_ORGANIZATIONS.split(";\n"):
            if statement.strip():
                await connection.execute(text(statement))
        for statement in SEED_EVENTS.split(";\n"):
            if statement.strip():
                await connection.execute(text(statement), {"kept": KEPT, "total": total, "target": TARGET_ORG_EVENTS})
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE events"))
        await connection.execute(text("VACUUM ANALYZE event_organizations"))


async def time_queries(url: str, repeat: int) -> dict[str, Timing]:
    # No page cache: what is measured is the SQL path a page takes when it is not kept in memory.
    settings = Settings(
        secret_key=BENCH_SECRET, database_url=url, jobs_in_process=False, log_level="WARNING", event_list_cache_s=0
    )
    services = build_services(settings)
    timings: dict[str, Timing] = {}
    try:
        for name, params in [*QUERIES.items(), ("unfiltered first page", UNFILTERED)]:
            query = event_query(**params)  # type: ignore[arg-type]
            page = PageRequest(limit=20)
            for _ in range(10):  # warm the pool, the plan cache and the buffers
                result = await services.event_directory.list_published(query=query, page=page)
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                result = await services.event_directory.list_published(query=query, page=page)
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            touched = await buffers_touched(
                services.engine, services.event_directory.list_published(query=query, page=page)
            )
            timings[name] = Timing(
                statistics.median(samples), samples[int(len(samples) * 0.95) - 1], result.total, touched
            )
    finally:
        await services.aclose()
    return timings


async def buffers_touched(engine: AsyncEngine, call: Awaitable[object]) -> int:
    """Run ``call``, then ``EXPLAIN (ANALYZE, BUFFERS)`` each statement it sent: the shared buffers
    (hit or read) they touched in all."""
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        await call
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    total = 0
    async with engine.connect() as connection:
        for statement, parameters in sent:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            result = await connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters
            )
            value = result.scalar_one()
            top = (json.loads(value) if isinstance(value, str) else value)[0]["Plan"]  # counts include its children
            total += int(top["Shared Hit Blocks"]) + int(top["Shared Read Blocks"])
    return total


async def explain(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "EXPLAIN SELECT * FROM events WHERE status = 'published' AND starts_at >= '2030-06-01' "
                "AND starts_at < '2030-07-01' ORDER BY starts_at DESC, id DESC LIMIT 20"
            )
        )
        return "\n".join("    " + row[0] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a throwaway PostgreSQL database (its schema is rebuilt)")
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    url = async_url(args.database_url)
    if is_sqlite(url):
        raise SystemExit("This benchmark is about PostgreSQL's plans: give a postgresql:// URL.")

    async def prepare() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        await reset(engine)
        await engine.dispose()

    asyncio.run(prepare())
    upgrade(url)
    results: dict[int, dict[str, Timing]] = {}
    plan = ""
    for total in (KEPT, args.large):

        async def measure(total: int = total) -> dict[str, Timing]:
            nonlocal plan
            engine = create_async_engine(url, poolclass=NullPool)
            started = time.perf_counter()
            await seed(engine, total)
            print(f"seeded {total:,} events in {time.perf_counter() - started:.1f} s")
            if total == args.large:
                plan = await explain(engine)
            await engine.dispose()
            return await time_queries(url, args.repeat)

        results[total] = asyncio.run(measure())

    small, large = results[KEPT], results[args.large]
    print(f"\nmedian (p95) of {args.repeat} calls of list_published, limit 20, PostgreSQL")
    print(f"{'query':<24} {'count':>7} {KEPT:>9,} ev {args.large:>9,} ev   ratio   shared buffers touched")
    worst = 0.0
    for name in [*QUERIES, "unfiltered first page"]:
        a, b = small[name], large[name]
        ratio = b.median_ms / a.median_ms
        if name in QUERIES:
            assert a.count == b.count, f"{name}: the filter should match the same events ({a.count} vs {b.count})"
            worst = max(worst, ratio)
        count = f"{a.count}" if a.count == b.count else f"{a.count}/{b.count}"
        print(
            f"{name:<24} {count:>7} {a.median_ms:6.2f} ({a.p95_ms:.2f}) ms "
            f"{b.median_ms:6.2f} ({b.p95_ms:.2f}) ms  {ratio:5.2f}x   {a.buffers} vs {b.buffers}"
        )
    verdict = "ok" if worst <= TARGET_RATIO else "MISSED"
    print(f"\nworst filtered ratio {worst:.2f}x (target <= {TARGET_RATIO:.0f}x): {verdict}")
    flat = large["unfiltered first page"].median_ms / small["unfiltered first page"].median_ms
    flat_verdict = "ok" if flat <= UNFILTERED_TARGET else "MISSED"
    print(f"unfiltered first page {flat:.2f}x (target <= {UNFILTERED_TARGET}x): {flat_verdict}")
    print(f"plan of the date-window page at {args.large:,} events:\n{plan}")


if __name__ == "__main__":
    main()
