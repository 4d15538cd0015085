"""Presence when a crowd joins: 1,000 users, one socket each, connect to one room.

Usage: ``.venv/bin/python -m bench.presence_join [--users 1000] [--batch 50] [--runs 3]``.
Uses DATABASE_URL (and REDIS_URL) when set, else a fresh SQLite file.

Each round opens one socket per user, ``--batch`` at a time, each waiting for its welcome, then
counts until the server is idle (under 3 % of a core for a second). Printed per round and as
median (min-max): the seconds from the last connect until the server is idle (target <= 3 s), the
presence frames (``presence``, ``presence_changed``, ``user_status``) each socket received, the
most any socket received (target: a handful), and every frame the server pushed. A bare ASGI
server that accepts the same sockets and sends nothing gives the idle time the harness itself sees.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import tempfile
from dataclasses import dataclass

import httpx
import websockets

from bench.chat_fanout import open_sockets, room_of_users
from bench.harness import bare_server, free_port, muster_server, seeding_env, until_idle

PRESENCE = frozenset({"presence", "presence_changed", "user_status"})
IDLE_TARGET_S, FRAMES_TARGET = 3.0, 5


@dataclass
class Round:
    idle_after_s: float
    frames: int
    presence_per_socket: list[int]


async def _one_round(pid: int, urls: list[str], batch: int, *, welcome: bool) -> Round:
    counts = [0] * len(urls)
    frames, welcomed, all_welcomed = 0, 0, asyncio.Event()

    async def count(i: int, ws: websockets.ClientConnection) -> None:
        nonlocal frames, welcomed
        async for raw in ws:
            frames += 1
            if json.loads(raw).get("type") in PRESENCE:
                counts[i] += 1
                welcomed += counts[i] == 1
                if welcomed == len(urls):
                    all_welcomed.set()

    await until_idle(pid)
    sockets = await open_sockets(urls, welcome=False, batch=batch)
    readers = [asyncio.create_task(count(i, ws)) for i, ws in enumerate(sockets)]
    if welcome:
        with contextlib.suppress(TimeoutError):  # every socket had its presence snapshot: connected and welcomed
            await asyncio.wait_for(all_welcomed.wait(), timeout=60)
    idle_after = await until_idle(pid)
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await until_idle(pid)
    return Round(idle_after, frames, counts)


def _median(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


async def _muster(port: int, pid: int, database_url: str, users: int, batch: int, runs: int) -> list[Round]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        room, tokens = await room_of_users(http, database_url, users, f"join{port}-")
    urls = [f"ws://127.0.0.1:{port}/ws/chat/{room}/?token={token}" for token in tokens]
    return [await _one_round(pid, urls, batch, welcome=True) for _ in range(runs)]


async def _bare(port: int, pid: int, users: int, batch: int, runs: int) -> list[Round]:
    urls = [f"ws://127.0.0.1:{port}/silent"] * users
    return [await _one_round(pid, urls, batch, welcome=False) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        app_port, bare_port = free_port(), free_port()
        with muster_server(app_port, seeding_env(database_url)) as app:
            muster = asyncio.run(_muster(app_port, app.pid, database_url, args.users, args.batch, args.runs))
        with bare_server("bench.bare_broadcast:app", bare_port) as base:
            bare = asyncio.run(_bare(bare_port, base.pid, args.users, args.batch, args.runs))
    print(f"database: {database_url.split('://')[0]}; {args.users} users, one socket each, join one room")
    for name, rounds in (("bare ASGI", bare), ("Muster", muster)):
        idle = [r.idle_after_s for r in rounds]
        most = [float(max(r.presence_per_socket)) for r in rounds]
        mean = [statistics.fmean(r.presence_per_socket) for r in rounds]
        pushed = [float(r.frames) for r in rounds]
        print(
            f"{name:<10} idle {_median(idle, '.1f')} s after the last connect | presence frames per socket:"
            f" mean {_median(mean, '.1f')}, most {_median(most, '.0f')} | frames pushed {_median(pushed, '.0f')}"
        )
    verdict = statistics.median(r.idle_after_s for r in muster) <= IDLE_TARGET_S and all(
        max(r.presence_per_socket) <= FRAMES_TARGET for r in muster
    )
    print(
        f"target     idle <= {IDLE_TARGET_S:.0f} s, at most {FRAMES_TARGET} presence frames a socket: "
        f"{'OK' if verdict else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
