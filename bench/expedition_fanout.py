"""Live fan-out of expedition events: 200 member sockets on one expedition while the chief sends 100
more invitations; prints delivered events per second and the latency from each HTTP response to each
socket receiving that invitation's ``member_invited`` event.

Usage: ``.venv/bin/python -m bench.expedition_fanout [--sockets 200] [--invitations 100]``.
Uses DATABASE_URL / REDIS_URL when set, else the embedded default (a fresh SQLite file, in-memory
channels). Target: p99 < 100 ms on the embedded default.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import defaultdict

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.harness import free_port, muster_server, percentile, seeding_env, summary

TARGET_P99_MS = 100.0
PASSWORD = "bench-password"
RECEIVE_TIMEOUT_S = 15.0


async def _account(http: httpx.AsyncClient, email: str, role: str = "member") -> tuple[int, str]:
    created = await http.post("/api/users/", json={"email": email, "password": PASSWORD, "name": email, "role": role})
    created.raise_for_status()
    tokens = await http.post("/api/token/", json={"email": email, "password": PASSWORD})
    tokens.raise_for_status()
    return int(created.json()["id"]), str(tokens.json()["access"])


async def _listen(ws: ClientConnection, expected: int, arrivals: dict[int, list[float]]) -> None:
    """Record when each ``member_invited`` frame arrives, keyed by the invited user."""
    seen = 0
    async with asyncio.timeout(RECEIVE_TIMEOUT_S * 4):
        while seen < expected:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "member_invited":
                arrivals[frame["user"]["id"]].append(time.perf_counter())
                seen += 1


async def run(base_url: str, ws_url: str, sockets: int, invitations: int) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        _, chief_token = await _account(http, "chief@bench.example", role="chief")
        chief = {"Authorization": f"Bearer {chief_token}"}
        created = await http.post(
            "/api/expeditions/",
            json={"title": "Fan-out", "start_at": "2026-05-01T08:00:00Z", "capacity": 10_000},
            headers=chief,
        )
        created.raise_for_status()
        expedition_id = created.json()["id"]
        members = [await _account(http, f"m{i}@bench.example") for i in range(sockets)]
        for user_id, _ in members:
            await http.post(f"/api/expeditions/{expedition_id}/invite/", json={"user_id": user_id}, headers=chief)
        invitees = [(await _account(http, f"new{i}@bench.example"))[0] for i in range(invitations)]

        connections = [await connect(f"{ws_url}/ws/expeditions/?token={token}", max_queue=None) for _, token in members]
        try:
            for ws in connections:
                hello = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT_S))
                assert hello["type"] == "hello", hello
                assert expedition_id in hello["expedition_ids"], hello
            arrivals: dict[int, list[float]] = defaultdict(list)
            listeners = [asyncio.create_task(_listen(ws, invitations, arrivals)) for ws in connections]
            sent_at: dict[int, float] = {}
            answered_at: dict[int, float] = {}
            started = time.perf_counter()
            for user_id in invitees:
                sent_at[user_id] = time.perf_counter()
                response = await http.post(
                    f"/api/expeditions/{expedition_id}/invite/", json={"user_id": user_id}, headers=chief
                )
                answered_at[user_id] = time.perf_counter()
                assert response.status_code == 201, response.text
            await asyncio.gather(*listeners)
            finished = time.perf_counter()
        finally:
            for ws in connections:
                await ws.close()

    after_response = [max(0.0, t - answered_at[u]) * 1000 for u, times in arrivals.items() for t in times]
    after_request = [(t - sent_at[u]) * 1000 for u, times in arrivals.items() for t in times]
    delivered = sum(len(times) for times in arrivals.values())
    http_ms = [(answered_at[u] - sent_at[u]) * 1000 for u in invitees]
    p99 = percentile(after_response, 99)
    print(f"{sockets} sockets, {invitations} invitations, {delivered}/{sockets * invitations} events delivered")
    print(f"delivered          : {delivered / (finished - started):9.0f} events/s")
    print(f"invite request     : {summary(http_ms)}")
    print(f"after the response : {summary(after_response)}  (target p99 < {TARGET_P99_MS:.0f} ms)")
    print(f"after the request  : {summary(after_request)}")
    print("OK" if p99 < TARGET_P99_MS and delivered == sockets * invitations else "BELOW TARGET")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--invitations", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        env = seeding_env(database_url)
        port = free_port()
        with muster_server(port, env):
            print(
                f"database: {database_url.split('://')[0]}, channels: {'redis' if env.get('REDIS_URL') else 'memory'}"
            )
            asyncio.run(run(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", args.sockets, args.invitations))


if __name__ == "__main__":
    main()
