"""Reservations per second on one event: N reservations from C concurrent clients against a real
uvicorn process on PostgreSQL, with p50/p99 latency and the capacity invariant checked afterwards.

Usage: ``DATABASE_URL=postgresql://postgres@127.0.0.1:5432/muster_bench .venv/bin/python -m bench.reservations
[--reservations 1000] [--clients 100] [--capacity 100] [--runs 3]``. The database's tables are emptied first.
Target: a median of >= 1,000 reservations/s over ``--runs`` (3) runs, each on emptied tables and a
fresh server, with zero errors and exactly ``capacity`` confirmed every time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.harness import ROOT, cpu_seconds, free_port, muster_server, percentile, postgres_url, seeding_env

TARGET_RPS = 1000


class Connection:
    """One keep-alive HTTP/1.1 connection: a client that sends one request at a time."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> tuple[int, Any]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self._port)
        assert self._reader is not None
        payload = json.dumps(body).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(payload)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        if token:
            head.append(f"Authorization: Bearer {token}")
        self._writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        raw_head = await self._reader.readuntil(b"\r\n\r\n")
        lines = raw_head.decode("latin-1").split("\r\n")
        length = next((int(line.split(":")[1]) for line in lines if line.lower().startswith("content-length")), 0)
        content = await self._reader.readexactly(length)
        return int(lines[0].split()[1]), json.loads(content) if content else None

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


async def _prepare(port: int, users: int, capacity: int, clients: int) -> tuple[int, list[str]]:
    """Log the admin in, publish an event, register and log in the users; returns the event id and tokens."""
    admin = Connection(port)
    status, tokens = await admin.request("POST", "/api/token/", {"email": "admin@bench.test", "password": "bench-pass"})
    assert status == 200, tokens
    body = {"title": "Benchmark", "starts_at": "2099-01-01T10:00:00Z", "capacity": capacity}
    status, event = await admin.request("POST", "/api/events/", body, tokens["access"])
    assert status == 201, event
    status, _ = await admin.request("POST", f"/api/events/{event['id']}/publish/", None, tokens["access"])
    assert status == 200
    admin.close()

    access: list[str] = [""] * users

    async def sign_up(worker: int) -> None:
        connection = Connection(port)
        for index in range(worker, users, clients):
            credentials = {"email": f"user{index}@bench.test", "password": "bench-pass"}
            status, created = await connection.request("POST", "/api/users/", {**credentials, "name": f"U{index}"})
            assert status == 201, created
            status, pair = await connection.request("POST", "/api/token/", credentials)
            assert status == 200, pair
            access[index] = pair["access"]
        connection.close()

    await asyncio.gather(*(sign_up(worker) for worker in range(clients)))
    return int(event["id"]), access


async def _fire(port: int, event_id: int, tokens: list[str], clients: int) -> tuple[float, list[float], Counter[int]]:
    latencies: list[float] = []
    codes: Counter[int] = Counter()

    async def client(worker: int) -> None:
        connection = Connection(port)
        for token in tokens[worker::clients]:
            started = time.perf_counter()
            status, _ = await connection.request("POST", f"/api/events/{event_id}/reservations/", None, token)
            latencies.append((time.perf_counter() - started) * 1000)
            codes[status] += 1
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(worker) for worker in range(clients)))
    return time.perf_counter() - started, latencies, codes


async def _check(port: int, event_id: int, capacity: int, reservations: int) -> tuple[bool, str]:
    connection = Connection(port)
    status, tokens = await connection.request(
        "POST", "/api/token/", {"email": "admin@bench.test", "password": "bench-pass"}
    )
    rows: list[dict[str, Any]] = []
    while len(rows) < reservations:
        path = f"/api/events/{event_id}/reservations/?limit=100&offset={len(rows)}"
        status, page = await connection.request("GET", path, None, tokens["access"])
        assert status == 200, page
        if not page["results"]:
            break
        rows.extend(page["results"])
    connection.close()
    statuses = Counter(row["status"] for row in rows)
    waiting = sorted((row for row in rows if row["status"] == "waitlisted"), key=lambda row: row["id"])
    in_order = [row["position"] for row in waiting] == list(range(1, len(waiting) + 1))
    ok = statuses["confirmed"] == capacity and statuses["waitlisted"] == reservations - capacity and in_order
    return ok, f"{dict(statuses)}, waiting list 1..{len(waiting)} in arrival order: {in_order}"


@dataclass
class Result:
    rate: float
    latencies: list[float]
    codes: Counter[int]
    cpu_s: float
    ok: bool
    detail: str


def _one_run(args: argparse.Namespace, env: dict[str, str]) -> Result:
    """Emptied tables, a first admin, a fresh server: one event, ``--reservations`` racing for it."""
    truncate = "import asyncio; from bench.reservations import _truncate; asyncio.run(_truncate())"
    subprocess.run([sys.executable, "-c", truncate], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [sys.executable, "-m", "app", "createsuperuser", "--email", "admin@bench.test", "--password", "bench-pass"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    with muster_server(port, env) as process:
        event_id, tokens = asyncio.run(_prepare(port, args.reservations, args.capacity, args.clients))
        cpu_before = cpu_seconds(process.pid)
        seconds, latencies, codes = asyncio.run(_fire(port, event_id, tokens, args.clients))
        server_cpu = cpu_seconds(process.pid) - cpu_before
        ok, detail = asyncio.run(_check(port, event_id, args.capacity, args.reservations))
    return Result(args.reservations / seconds, latencies, codes, server_cpu, ok, detail)


def _spread(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reservations", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    database_url = postgres_url(parser, why="its tables are emptied")

    env = seeding_env(database_url, DATABASE_POOL_SIZE="20")
    subprocess.run([sys.executable, "-m", "app", "migrate"], env=env, cwd=ROOT, check=True)
    results = [_one_run(args, env) for _ in range(args.runs)]

    rates = [r.rate for r in results]
    errors = sum(count for r in results for code, count in r.codes.items() if code != 201)
    ok = all(r.ok for r in results)
    print(
        f"PostgreSQL, 1 uvicorn process, {args.reservations} reservations from {args.clients} clients, {args.runs} runs"
    )
    print(f"throughput : {_spread(rates, '.0f')} reservations/s, median (min-max)  target >= {TARGET_RPS}")
    p50, p99 = [percentile(r.latencies, 50) for r in results], [percentile(r.latencies, 99) for r in results]
    print(f"latency    : p50 {_spread(p50, '.1f')} ms, p99 {_spread(p99, '.1f')} ms")
    print(f"server CPU : {_spread([r.cpu_s * 1000 / args.reservations for r in results], '.2f')} ms per reservation")
    print(f"responses  : {[dict(r.codes) for r in results]}  errors {errors}")
    for r in results:
        print(f"invariant  : capacity {args.capacity} -> {r.detail}: {'OK' if r.ok else 'BROKEN'}")
    verdict = statistics.median(rates) >= TARGET_RPS and errors == 0 and ok
    print("verdict    :", "OK" if verdict else "BELOW TARGET")


async def _truncate() -> None:
    """Empty every table of DATABASE_URL (the schema stays)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    import app.adapters.db.models  # noqa: F401
    from app.adapters.db.base import metadata
    from app.adapters.db.engine import async_url

    engine = create_async_engine(async_url(os.environ["DATABASE_URL"]))
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


if __name__ == "__main__":
    main()
