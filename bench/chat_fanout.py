"""Chat fan-out: 100 members of one room on sockets, 200 messages sent, next to a bare ASGI broadcast server.

Usage: ``.venv/bin/python -m bench.chat_fanout [--members 100] [--messages 200] [--idle 1000]``.
Uses DATABASE_URL when set (e.g. PostgreSQL), else a fresh SQLite file.

Prints, for Muster and the bare server: deliveries per second when the 200 messages are sent back to
back (throughput), send-to-receive latency p50/p99 when they are sent every 10 ms (latency), lost
deliveries, the throughput ratio (target >= 0.5, p99 < 50 ms, nothing lost), and the resident memory
the Muster process gains per 1,000 idle authenticated chat sockets held open (target < 30 MB;
the first 1,000 are printed apart, since they also pay one-time growth).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field

import httpx
import websockets

from bench.harness import app_env, free_port, muster_server, percentile, seeding_env, server

THROUGHPUT_TARGET, P99_TARGET_MS, MEMORY_TARGET_MB = 0.5, 50.0, 30.0


@dataclass
class Run:
    expected: int
    received: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    first_send: float = 0.0
    last_receive: float = 0.0

    @property
    def per_second(self) -> float:
        span = self.last_receive - self.first_send
        return self.received / span if span > 0 else 0.0


async def _fan_out(urls: list[str], sender_url: str, messages: int, interval_s: float) -> Run:
    """Open the receivers and a sender, send ``messages`` stamped frames, collect every delivery."""
    run = Run(expected=messages * len(urls))
    done = asyncio.Event()

    async def receive(ws: websockets.ClientConnection) -> None:
        async for raw in ws:
            frame = json.loads(raw)
            text = frame.get("text")
            if frame.get("type") != "message" or not isinstance(text, str) or not text.startswith("bench "):
                continue
            now = time.perf_counter()
            run.latencies_ms.append((now - float(text.split()[2])) * 1000)
            run.received += 1
            run.last_receive = now
            if run.received == run.expected:
                done.set()

    sockets = [await websockets.connect(url, max_size=2**22) for url in urls]
    await asyncio.gather(*(_drain(ws) for ws in sockets))  # skip the welcome (history, presence)
    readers = [asyncio.create_task(receive(ws)) for ws in sockets]
    async with websockets.connect(sender_url) as sender:
        await _drain(sender)
        run.first_send = time.perf_counter()
        for seq in range(messages):
            await sender.send(json.dumps({"type": "message", "text": f"bench {seq} {time.perf_counter()}"}))
            if interval_s:
                await asyncio.sleep(interval_s)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=60)
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return run


async def _drain(ws: websockets.ClientConnection, quiet_s: float = 0.3) -> None:
    while True:
        try:
            await asyncio.wait_for(ws.recv(), timeout=quiet_s)
        except TimeoutError:
            return


async def _users(http: httpx.AsyncClient, count: int, prefix: str) -> list[tuple[int, str]]:
    async def one(i: int) -> tuple[int, str]:
        email = f"{prefix}{i}@example.com"
        user = (
            await http.post("/api/users/", json={"email": email, "password": "bench-password", "name": f"u{i}"})
        ).json()
        tokens = (await http.post("/api/token/", json={"email": email, "password": "bench-password"})).json()
        return int(user["id"]), str(tokens["access"])

    results = []
    for start in range(0, count, 25):
        results += await asyncio.gather(*(one(i) for i in range(start, min(count, start + 25))))
    return results


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def _muster(port: int, pid: int, members: int, messages: int, idle: int) -> tuple[Run, Run, tuple[float, float]]:
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        people = await _users(http, members, f"fan{port}-")
        owner = {"Authorization": f"Bearer {people[0][1]}"}
        room = (await http.post("/api/chats/", json={"type": "room", "name": f"fanout {port}"}, headers=owner)).json()
        for _, token in people[1:]:
            await http.post(f"/api/chats/{room['id']}/join/", headers={"Authorization": f"Bearer {token}"})
        urls = [f"{ws_base}/ws/chat/{room['id']}/?token={token}" for _, token in people]
        throughput = await _fan_out(urls[1:], urls[0], messages, 0)
        latency = await _fan_out(urls[1:], urls[0], messages, 0.01)

        per_1000 = await _idle_memory(pid, [urls[i % len(urls)] for i in range(idle)], welcome=True)
    return throughput, latency, per_1000


async def _bare(port: int, pid: int, members: int, messages: int, idle: int) -> tuple[Run, Run, tuple[float, float]]:
    url = f"ws://127.0.0.1:{port}/"
    urls = [url] * (members - 1)
    throughput, latency = await _fan_out(urls, url, messages, 0), await _fan_out(urls, url, messages, 0.01)
    return throughput, latency, await _idle_memory(pid, [url] * idle, welcome=False)


async def _idle_memory(pid: int, urls: list[str], *, welcome: bool) -> tuple[float, float]:
    """Resident memory (MB) the server gains per 1,000 idle sockets, opened 50 at a time, measured once
    every socket has had its welcome (``welcome``: wait for each socket's first frame): for a first
    round (which also pays one-time costs: allocator arenas, caches), and for a second round opened
    while the first stays open (what every further 1,000 costs)."""
    if not urls:
        return 0.0, 0.0
    rounds, held = [], []
    for _ in range(2):
        before = _rss_mb(pid)
        for start in range(0, len(urls), 50):
            batch = await asyncio.gather(*(websockets.connect(u) for u in urls[start : start + 50]))
            if welcome:
                await asyncio.gather(*(asyncio.wait_for(ws.recv(), 60) for ws in batch))
            held += batch
        await asyncio.gather(*(_drain(ws, 0.5) for ws in held[-len(urls) :]))
        await asyncio.sleep(1)
        rounds.append((_rss_mb(pid) - before) * 1000 / len(urls))
    await asyncio.gather(*(ws.close() for ws in held), return_exceptions=True)
    return rounds[0], rounds[1]


def _line(name: str, throughput: Run, latency: Run) -> str:
    lost = (throughput.expected - throughput.received) + (latency.expected - latency.received)
    return (
        f"{name:<10} {throughput.per_second:9.0f} deliveries/s | paced: "
        f"p50 {percentile(latency.latencies_ms, 50):5.1f} ms  p99 {percentile(latency.latencies_ms, 99):5.1f} ms"
        f" | lost {lost}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--idle", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        env = seeding_env(database_url, CHAT_FRAME_RATE="100000", CHAT_FRAME_BURST="100000")
        app_port, bare_port = free_port(), free_port()
        with muster_server(app_port, env) as process:
            muster = asyncio.run(_muster(app_port, process.pid, args.members, args.messages, args.idle))
        bare_args = [sys.executable, "-m", "uvicorn", "bench.bare_broadcast:app", "--port", str(bare_port)]
        bare_args += ["--no-access-log", "--log-level", "warning", "--ws-per-message-deflate", "false"]
        with server(bare_args, bare_port, app_env(), health="/") as process:
            bare = asyncio.run(_bare(bare_port, process.pid, args.members, args.messages, args.idle))

    (m_through, m_latency, mb_per_1000), (b_through, b_latency, bare_mb) = muster, bare
    ratio = m_through.per_second / b_through.per_second if b_through.per_second else 0.0
    p99 = percentile(m_latency.latencies_ms, 99)
    lost = m_through.expected - m_through.received + m_latency.expected - m_latency.received
    print(f"database: {database_url.split('://')[0]}, {args.members} sockets in one room, {args.messages} messages")
    print(_line("bare ASGI", b_through, b_latency))
    print(_line("Muster", m_through, m_latency))
    verdict = ratio >= THROUGHPUT_TARGET and p99 < P99_TARGET_MS and lost == 0
    print(
        f"ratio      {ratio:.2f} (target >= {THROUGHPUT_TARGET}, p99 < {P99_TARGET_MS:.0f} ms, nothing lost): "
        f"{'OK' if verdict else 'BELOW TARGET'}"
    )
    print(
        f"memory     per 1,000 idle authenticated sockets: {mb_per_1000[1]:.1f} MB (the first 1,000, with one-time"
        f" growth, {mb_per_1000[0]:.1f} MB; bare ASGI {bare_mb[1]:.1f} / {bare_mb[0]:.1f} MB;"
        f" target < {MEMORY_TARGET_MB:.0f} MB): {'OK' if mb_per_1000[1] < MEMORY_TARGET_MB else 'ABOVE TARGET'}"
    )


if __name__ == "__main__":
    main()
