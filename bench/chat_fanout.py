"""Chat fan-out: one room, one user per socket, next to a bare ASGI broadcast server in the same run.

Usage: ``.venv/bin/python -m bench.chat_fanout [--members 100] [--messages 200] [--idle 1000] [--runs 3]
[--memory-only]``.
Uses DATABASE_URL (and REDIS_URL) when set, e.g. PostgreSQL + Redis, else a fresh SQLite file.

Both servers run side by side and each round measures one after the other: ``--members`` sockets
of distinct users in one room, one of them sending ``--messages`` messages, every delivery counted
(the sender's own echo too). *Burst*: sent back to back, deliveries per second, p99, and server CPU
per delivery; all 200 leave at once, so its p99 is how long the one client process takes to read
every frame (the same for both servers). *Closed loop*: each message sent as soon as the sender's
own copy of the one before is back: deliveries per second and p99 with the server kept busy, one
message in flight. *Paced*: one message each 10 ms, p99 and server CPU per message. Printed: the median
and spread (min-max) of the rounds, and Muster's ratio to bare. Last, the resident memory each
server holds per 1,000 idle sockets of distinct users, read once the server is idle (CPU quiet),
on a server process started for it (so memory freed by the rounds' traffic cannot hide what the
sockets take): ``--runs`` times, each on fresh processes of both servers, median and spread.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import httpx
import websockets
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url
from app.adapters.db.models.chat import ChatMemberModel
from bench.harness import (
    bare_server,
    cpu_seconds,
    free_port,
    muster_server,
    percentile,
    rss_mib,
    seeding_env,
    until_idle,
)

T = TypeVar("T")
TARGETS = {"ratio": 0.8, "p99_ms": 30.0, "cpu_per_delivery": 1.5, "paced_p99_ms": 15.0, "paced_cpu_ms": 2.5}
MEMORY_TARGET_MIB = 25.0


@dataclass
class Run:
    expected: int
    received: int = 0
    cpu_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    first_send: float = 0.0
    last_receive: float = 0.0

    @property
    def per_second(self) -> float:
        span = self.last_receive - self.first_send
        return self.received / span if span > 0 else 0.0

    @property
    def lost(self) -> int:
        return self.expected - self.received


async def fan_out(
    sockets: list[websockets.ClientConnection], pid: int, messages: int, interval_s: float, *, closed: bool = False
) -> Run:
    """The first socket sends ``messages`` stamped frames; every socket (the sender too) counts them.
    ``interval_s`` apart, or with ``closed``, each as soon as the sender's own copy of the one before
    is back (a closed loop: as fast as the server answers, with one message in flight)."""
    run = Run(expected=messages * len(sockets))
    done, echoed = asyncio.Event(), asyncio.Event()
    sender = sockets[0]

    async def receive(ws: websockets.ClientConnection) -> None:
        async for raw in ws:  # found by its text, not parsed: the client must not be the bottleneck
            start = raw.find('"bench ') if isinstance(raw, str) else -1
            if start < 0:
                continue
            now = time.perf_counter()
            sent = float(raw[start + 1 : raw.index('"', start + 1)].split()[2])
            run.latencies_ms.append((now - sent) * 1000)
            run.received += 1
            run.last_receive = now
            if ws is sender:
                echoed.set()
            if run.received == run.expected:
                done.set()

    readers = [asyncio.create_task(receive(ws)) for ws in sockets]
    cpu_before = cpu_seconds(pid)
    run.first_send = time.perf_counter()
    for seq in range(messages):
        echoed.clear()
        await sender.send(json.dumps({"type": "message", "text": f"bench {seq} {time.perf_counter()}"}))
        if closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(echoed.wait(), timeout=10)
        elif interval_s:
            await asyncio.sleep(interval_s)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=60)
    run.cpu_s = cpu_seconds(pid) - cpu_before
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    return run


async def drain(ws: websockets.ClientConnection, quiet_s: float = 0.3) -> int:
    """Read frames until none comes for ``quiet_s``; how many came."""
    count = 0
    while True:
        try:
            await asyncio.wait_for(ws.recv(), timeout=quiet_s)
        except TimeoutError:
            return count
        count += 1


async def room_of_users(http: httpx.AsyncClient, database_url: str, count: int, prefix: str) -> tuple[int, list[str]]:
    """A room with ``count`` distinct members signed up: its id and their tokens (the owner's first).
    Members are seated in the database directly: joining one by one over HTTP answers each with the
    whole member list, which is set-up cost, not what is measured."""

    async def user(i: int) -> tuple[int, str]:
        email = f"{prefix}{i}@example.com"
        created = await http.post("/api/users/", json={"email": email, "password": "bench-password", "name": f"u{i}"})
        tokens = await http.post("/api/token/", json={"email": email, "password": "bench-password"})
        return int(created.json()["id"]), str(tokens.json()["access"])

    people: list[tuple[int, str]] = await _in_batches([lambda i=i: user(i) for i in range(count)])
    owner = {"Authorization": f"Bearer {people[0][1]}"}
    room = int((await http.post("/api/chats/", json={"type": "room", "name": prefix}, headers=owner)).json()["id"])
    now = datetime.now(UTC)
    seats = [
        {"chat_id": room, "user_id": user_id, "is_admin": False, "joined_at": now, "created_at": now, "updated_at": now}
        for user_id, _ in people[1:]
    ]
    engine = create_async_engine(async_url(database_url), poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.execute(insert(ChatMemberModel), seats)
    await engine.dispose()
    return room, [token for _, token in people]


async def _in_batches(calls: list[Callable[[], Awaitable[T]]], size: int = 50) -> list[T]:
    results: list[T] = []
    for start in range(0, len(calls), size):
        results += await asyncio.gather(*(call() for call in calls[start : start + size]))
    return results


async def open_sockets(urls: list[str], *, welcome: bool, batch: int = 50) -> list[websockets.ClientConnection]:
    """Open sockets ``batch`` at a time; with ``welcome``, each waits for its first frame."""
    sockets: list[websockets.ClientConnection] = []
    for start in range(0, len(urls), batch):
        opened = await asyncio.gather(
            *(websockets.connect(u, max_size=2**22, ping_interval=None) for u in urls[start : start + batch])
        )
        if welcome:
            await asyncio.gather(*(asyncio.wait_for(ws.recv(), 60) for ws in opened))
        sockets += opened
    return sockets


async def idle_memory(pid: int, urls: list[str], *, welcome: bool) -> float:
    """Resident memory (MiB) the server holds per 1,000 of ``urls`` opened as idle sockets, read once
    the server is idle; the sockets stay open while it is read. The first 50 are opened and closed
    before, so what any first connection sets up once is not counted per socket."""
    warm = await open_sockets(urls[:50], welcome=welcome)
    await asyncio.gather(*(drain(ws, 0.3) for ws in warm))
    await asyncio.gather(*(ws.close() for ws in warm), return_exceptions=True)
    await until_idle(pid)
    before = rss_mib(pid)
    sockets = await open_sockets(urls, welcome=welcome)
    await asyncio.gather(*(drain(ws, 0.5) for ws in sockets))
    await until_idle(pid)
    per_1000 = (rss_mib(pid) - before) * 1000 / len(urls)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return per_1000


@dataclass
class Side:
    """One server under test: its process and the socket URLs of its members (one user each)."""

    name: str
    pid: int
    member_urls: list[str]
    idle_urls: list[str]
    welcome: bool
    burst: list[Run] = field(default_factory=list)
    closed: list[Run] = field(default_factory=list)
    paced: list[Run] = field(default_factory=list)
    mib_per_1000: list[float] = field(default_factory=list)

    async def round(self, messages: int) -> None:
        sockets = await open_sockets(self.member_urls, welcome=self.welcome)
        await asyncio.gather(*(drain(ws) for ws in sockets))  # the welcome: history, presence
        await until_idle(self.pid, quiet_s=0.5)
        self.burst.append(await fan_out(sockets, self.pid, messages, 0))
        await until_idle(self.pid, quiet_s=0.5)
        self.closed.append(await fan_out(sockets, self.pid, messages, 0, closed=True))
        await until_idle(self.pid, quiet_s=0.5)
        self.paced.append(await fan_out(sockets, self.pid, messages, 0.01))
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def _stat(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def report(muster: Side, bare: Side, database: str, members: int, messages: int) -> None:
    print(f"database: {database}; {members} sockets of distinct users in one room, {messages} messages per round")
    cpu_per_delivery: dict[str, float] = {}
    for label, side in (("bare ASGI", bare), ("Muster", muster)):
        burst, paced = side.burst, side.paced
        rate = [r.per_second for r in burst]
        p99 = [percentile(r.latencies_ms, 99) for r in burst]
        cpu_us = [r.cpu_s / max(r.received, 1) * 1e6 for r in burst]
        closed_rate = [r.per_second for r in side.closed]
        closed_p99 = [percentile(r.latencies_ms, 99) for r in side.closed]
        paced_p99 = [percentile(r.latencies_ms, 99) for r in paced]
        paced_cpu_ms = [r.cpu_s / messages * 1000 for r in paced]
        lost = sum(r.lost for r in burst + side.closed + paced)
        cpu_per_delivery[label] = statistics.median(cpu_us)
        print(
            f"{label:<10} burst {_stat(rate, '.0f')} deliveries/s, p99 {_stat(p99, '.1f')} ms,"
            f" {_stat(cpu_us, '.1f')} µs CPU per delivery | closed loop {_stat(closed_rate, '.0f')} deliveries/s,"
            f" p99 {_stat(closed_p99, '.1f')} ms | paced p99 {_stat(paced_p99, '.1f')} ms,"
            f" {_stat(paced_cpu_ms, '.2f')} ms CPU per message | lost {lost}"
        )
    ratios = [m.per_second / b.per_second for m, b in zip(muster.burst, bare.burst, strict=True) if b.per_second]
    cpu_ratio = cpu_per_delivery["Muster"] / cpu_per_delivery["bare ASGI"]
    print(
        f"ratio      {_stat(ratios, '.2f')} of bare deliveries/s (target >= {TARGETS['ratio']}),"
        f" CPU per delivery {cpu_ratio:.2f}x bare (target <= {TARGETS['cpu_per_delivery']})"
    )
    report_memory(muster, bare)


def report_memory(muster: Side, bare: Side, database: str | None = None) -> None:
    if database:
        print(f"database: {database}")
    memory_ratio = statistics.median(muster.mib_per_1000) / max(statistics.median(bare.mib_per_1000), 0.1)
    print(
        f"memory     per 1,000 idle sockets of distinct users, server idle, fresh processes:"
        f" Muster {_stat(muster.mib_per_1000, '.1f')} MiB, bare {_stat(bare.mib_per_1000, '.1f')} MiB,"
        f" {memory_ratio:.2f}x bare (target <= {MEMORY_TARGET_MIB:.0f} MiB)"
    )


async def _prepare(port: int, pid: int, database_url: str, members: int, idle: int) -> Side:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        room, tokens = await room_of_users(http, database_url, max(members, idle), f"fan{port}-")
    urls = [f"ws://127.0.0.1:{port}/ws/chat/{room}/?token={token}" for token in tokens]
    return Side("Muster", pid, urls[:members], urls[:idle], welcome=True)


async def _measure(muster: Side, bare: Side, runs: int, messages: int) -> None:
    for _ in range(runs):
        for side in (muster, bare):
            await side.round(messages)


def _memory(side: Side, serve: Callable[[], contextlib.AbstractContextManager[subprocess.Popen[bytes]]]) -> None:
    """One idle-memory reading of ``side`` on a server process started for it."""
    with serve() as process:
        side.mib_per_1000.append(asyncio.run(idle_memory(process.pid, side.idle_urls, welcome=side.welcome)))


def main() -> None:
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-only", action="store_true", help="only the idle-memory readings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        env = seeding_env(database_url, CHAT_FRAME_RATE="100000", CHAT_FRAME_BURST="100000")
        app_port, bare_port = free_port(), free_port()
        with muster_server(app_port, env) as app, bare_server("bench.bare_broadcast:app", bare_port) as base:
            muster = asyncio.run(_prepare(app_port, app.pid, database_url, args.members, args.idle))
            url = f"ws://127.0.0.1:{bare_port}/"
            bare = Side("bare ASGI", base.pid, [url] * args.members, [url] * args.idle, welcome=False)
            if not args.memory_only:
                asyncio.run(_measure(muster, bare, args.runs, args.messages))
        for _ in range(args.runs):  # the same data and tokens, on fresh processes
            _memory(muster, lambda: muster_server(app_port, env))
            _memory(bare, lambda: bare_server("bench.bare_broadcast:app", bare_port))
    backend = database_url.split("://")[0] + (" + Redis" if os.environ.get("REDIS_URL") else "")
    if args.memory_only:
        report_memory(muster, bare, backend)
    else:
        report(muster, bare, backend, args.members, args.messages)


if __name__ == "__main__":
    main()
