"""History page and unread-count time in a chat of 1,000,000 messages vs one of 1,000, on PostgreSQL.

Usage: ``DATABASE_URL=postgresql://... .venv/bin/python -m bench.chat_history [--big 1000000] [--small 1000]``.
The database is migrated; the benchmark adds two users, two chats and their messages (generate_series,
so seeding a million rows takes seconds), and deletes them afterwards. A page is a range scan of the
``(chat_id, id)`` index, so both chats should cost about the same.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text

from app.adapters.db.engine import is_sqlite
from app.adapters.db.migrations import upgrade
from app.bootstrap import build_services
from app.core.shared.principal import Principal, Role
from app.settings import Settings
from bench.harness import BENCH_SECRET, percentile

ROUNDS = 200


async def _timed(call: Callable[[], Awaitable[object]], rounds: int = ROUNDS) -> list[float]:
    for _ in range(10):  # warm the pool and the plan cache
        await call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def _seed(connection: object, user_id: int, title: str, count: int) -> int:
    """A group chat with ``count`` messages from ``user_id`` (who is not seated in it yet)."""
    run = connection.execute  # type: ignore[attr-defined]
    chat_id = (
        await run(
            text(
                "INSERT INTO chats (kind, title, created_by, created_at, updated_at) "
                "VALUES ('group', :title, :user, now(), now()) RETURNING id"
            ),
            {"title": title, "user": user_id},
        )
    ).scalar_one()
    await run(
        text(
            "INSERT INTO messages (chat_id, sender_id, text, created_at, updated_at) "
            "SELECT :chat, :user, 'message number ' || g, now(), now() FROM generate_series(1, :n) AS g"
        ),
        {"chat": chat_id, "user": user_id, "n": count},
    )
    return int(chat_id)


async def run(url: str, big: int, small: int) -> None:
    services = build_services(Settings(secret_key=BENCH_SECRET, database_url=url, log_level="WARNING"))
    chat = services.chat
    assert chat is not None
    engine = services.engine
    suffix = str(time.time_ns())
    async with engine.begin() as connection:
        writer = (
            await connection.execute(
                text(
                    "INSERT INTO users (email, name, password_hash, is_active, is_chief, is_organizer, is_admin, "
                    "created_at, updated_at) VALUES (:email, 'bench', 'x', true, false, false, false, now(), now()) "
                    "RETURNING id"
                ),
                {"email": f"history-{suffix}@example.com"},
            )
        ).scalar_one()
        started = time.perf_counter()
        chats = {n: await _seed(connection, writer, f"history {n}", n) for n in (small, big)}
        seeded_s = time.perf_counter() - started
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE messages"))
    reader = Principal(user_id=int(writer), roles=frozenset({Role.MEMBER}))
    try:
        print(f"seeded {small + big:,} messages in {seeded_s:.1f} s; {ROUNDS} timed calls each, in process")
        for n, chat_id in chats.items():
            async with engine.begin() as connection:  # the reader joins this chat only, 100 messages unread
                newest = (
                    await connection.execute(text("SELECT max(id) FROM messages WHERE chat_id = :c"), {"c": chat_id})
                ).scalar_one()
                await connection.execute(
                    text(
                        "INSERT INTO chat_members (chat_id, user_id, is_admin, joined_at, last_read_message_id, "
                        "last_delivered_message_id, created_at, updated_at) "
                        "VALUES (:c, :u, true, now(), :m, 0, now(), now())"
                    ),
                    {"c": chat_id, "u": writer, "m": newest - 100},
                )
            middle = newest - n // 2
            first = await _timed(lambda c=chat_id: chat.history(actor=reader, chat_id=c, before=None, limit=30))
            deep = await _timed(lambda c=chat_id, m=middle: chat.history(actor=reader, chat_id=c, before=m, limit=30))
            unread = await _timed(lambda: chat.list_chats(actor=reader), rounds=50)
            print(
                f"{n:>9,} messages: first page p50 {percentile(first, 50):.2f} ms (p99 {percentile(first, 99):.2f}),"
                f" page from the middle p50 {percentile(deep, 50):.2f} ms (p99 {percentile(deep, 99):.2f}),"
                f" chat list (100 unread) p50 {percentile(unread, 50):.2f} ms"
            )
            async with engine.begin() as connection:  # leave the chat so the next list holds one chat
                await connection.execute(text("DELETE FROM chat_members WHERE chat_id = :c"), {"c": chat_id})
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM chats WHERE id = ANY(:ids)"), {"ids": list(chats.values())})
            await connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": writer})
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url or is_sqlite(url):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this benchmark may add rows to.")
    upgrade(url)
    asyncio.run(run(url, args.big, args.small))


if __name__ == "__main__":
    main()
