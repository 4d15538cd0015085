"""A Redis crash under a steady message flow over two server processes.

Usage: ``DATABASE_URL=postgresql://... .venv/bin/python -m bench.faults [--members 10] [--seconds 12]
[--outage 2] [--rate 25]``. Starts its own ``redis-server`` on a free port and two Muster processes on
PostgreSQL sharing it; the members of one group listen on chat sockets spread over both processes
while one member posts ``--rate`` messages per second over HTTP, to both processes in turn. Redis is
killed after a third of the run and started again (empty) ``--outage`` seconds later.

After the run every member's client that saw a gap in the ``seq`` positions reconnects with
``?since=`` its last position before the gap, as a client does, and takes the replay.

Prints: messages stored (answered 201) and writes answered with an error (target 0), deliveries
live out of those expected, deliveries by resume, deliveries lost (neither live nor by resume;
target 0), the seconds from Redis's return until every socket hears live events again (target < 5)
and how long the resumes took. Then, on the same two processes, the receipts figure of
``bench.receipts``: a 21-member group receiving 50 messages (receipt writes and frames).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx
import websockets

from bench import receipts
from bench.harness import RedisProcess, free_port, muster_server, postgres_url, seeding_env, sign_up

RECOVERY_TARGET_S = 5.0


async def run(bases: list[str], redis: RedisProcess, members: int, seconds: float, outage: float, rate: float) -> None:
    async with httpx.AsyncClient(base_url=bases[0], timeout=10) as http:
        _, sender_token = await sign_up(http, "sender")
        listeners = [await sign_up(http, f"member{i}") for i in range(members)]
        group = await http.post(
            "/api/chats/",
            json={"type": "group", "title": "faults", "member_ids": [uid for uid, _ in listeners]},
            headers={"Authorization": f"Bearer {sender_token}"},
        )
        chat_id = int(group.json()["id"])

    posted_at: dict[int, float] = {}  # message id → when its write was answered
    heard: list[set[int]] = [set() for _ in listeners]
    last_seq = [0] * members  # each client's last position before any gap: where it resumes from
    gap = [False] * members
    first_after: list[float | None] = [None] * members
    restarted: list[float] = []

    def url(index: int, token: str) -> str:
        return f"{bases[index % 2].replace('http://', 'ws://')}/ws/chat/{chat_id}/?token={token}"

    async def listen(index: int, token: str) -> None:
        async with websockets.connect(url(index, token), max_size=2**22) as ws:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "history":
                    last_seq[index] = frame["seq"]
                if frame.get("type") != "message":
                    continue
                heard[index].add(frame["message_id"])
                if frame["seq"] == last_seq[index] + 1 and not gap[index]:
                    last_seq[index] = frame["seq"]
                else:
                    gap[index] = True
                if restarted and first_after[index] is None and time.monotonic() > restarted[0]:
                    first_after[index] = time.monotonic() - restarted[0]

    tasks = [asyncio.create_task(listen(i, token)) for i, (_, token) in enumerate(listeners)]
    await asyncio.sleep(1.0)
    stored = errors = 0
    clients = [
        httpx.AsyncClient(base_url=b, timeout=10, headers={"Authorization": f"Bearer {sender_token}"}) for b in bases
    ]
    started = time.monotonic()
    kill_at, back_at = started + seconds / 3, started + seconds / 3 + outage
    i = 0
    while time.monotonic() - started < seconds:
        now = time.monotonic()
        if redis.process is not None and not restarted and now >= kill_at:
            redis.kill()
        if redis.process is None and now >= back_at:
            redis.start()
            restarted.append(time.monotonic())
        answer = await clients[i % 2].post(f"/api/chats/{chat_id}/messages/", json={"text": f"m{i}"})
        if answer.status_code == 201:
            stored += 1
            posted_at[int(answer.json()["id"])] = time.monotonic()
        else:
            errors += 1
        i += 1
        await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
    await asyncio.sleep(2.0)  # the last deliveries arrive
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for client in clients:
        await client.aclose()

    took: list[tuple[float, float]] = []  # (seconds to the first frame, to the resume frame) per client

    async def resume(index: int, token: str) -> tuple[set[int], bool]:
        """The message ids a reconnect from the last position before the gap replays, and whether recovered."""
        replayed: set[int] = set()
        begun, first = time.monotonic(), 0.0
        async with websockets.connect(f"{url(index, token)}&since={last_seq[index]}", max_size=2**22) as ws:
            async for raw in ws:
                first = first or time.monotonic() - begun
                frame = json.loads(raw)
                if frame.get("type") == "message":
                    replayed.add(frame["message_id"])
                elif frame.get("type") == "resume":
                    took.append((first, time.monotonic() - begun))
                    return replayed, bool(frame["recovered"])
        return replayed, False

    resumes = await asyncio.gather(*[resume(i, token) for i, (_, token) in enumerate(listeners) if gap[i]])
    resumed = [i for i in range(members) if gap[i]]
    by_resume = sum(len((ids - heard[i]) & posted_at.keys()) for i, (ids, _) in zip(resumed, resumes, strict=True))
    again = sum(len(ids & heard[i]) for i, (ids, _) in zip(resumed, resumes, strict=True))
    unrecovered = sum(not ok for _, ok in resumes)

    expected = stored * members
    live = sum(len(ids & posted_at.keys()) for ids in heard)
    recovered = [t for t in first_after if t is not None]
    recovery = max(recovered) if len(recovered) == members else float("inf")
    print(
        f"two processes, {members} listening members, {rate:.0f} messages/s for {seconds:.0f} s,"
        f" Redis down {outage:.1f} s"
    )
    print(f"messages stored        : {stored}   writes answered with an error: {errors} (target 0)")
    print(f"delivered live         : {live} of {expected}")
    print(f"missed live            : {expected - live}   (during the outage)")
    print(
        f"delivered by resume    : {by_resume}   ({len(resumed)} clients reconnected with ?since= at once;"
        f" {unrecovered} not recovered; {again} replayed again that the client had live and drops by seq)"
    )
    if took:
        print(
            f"each resume            : first frame after {max(f for f, _ in took):.2f} s at most,"
            f" resume frame after {min(t for _, t in took):.2f} to {max(t for _, t in took):.2f} s"
        )
    lost = expected - live - by_resume
    print(f"lost                   : {lost}   (target 0) {'OK' if lost == 0 else 'ABOVE TARGET'}")
    verdict = "OK" if recovery < RECOVERY_TARGET_S else "ABOVE TARGET"
    print(f"seconds to recover     : {recovery:.2f}  (every socket hears live events again; target < 5) {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--outage", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=25.0)
    args = parser.parse_args()
    database_url = postgres_url(parser, why="two processes share it")
    redis = RedisProcess(free_port())
    redis.start()
    try:
        env = seeding_env(database_url, REDIS_URL=redis.url, PRESENCE_TTL_S="6", **receipts.SERVER_ENV)
        ports = [free_port(), free_port()]
        with muster_server(ports[0], env), muster_server(ports[1], {**env, "MIGRATE_ON_START": "false"}):
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            asyncio.run(run(bases, redis, args.members, args.seconds, args.outage, args.rate))
            print()
            asyncio.run(receipts.run(bases[0], receipts.MEMBERS, receipts.MESSAGES))
    finally:
        redis.kill()


if __name__ == "__main__":
    main()
