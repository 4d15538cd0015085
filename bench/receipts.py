"""Delivery receipts under a burst: a 21-member group receives 50 messages.

Usage: ``.venv/bin/python -m bench.receipts [--members 21] [--messages 50]``. Uses DATABASE_URL when
set (e.g. PostgreSQL), else a fresh SQLite file. Every member listens on a chat socket; one of them
posts the messages back to back over HTTP.

Prints: receipt writes (each write that moves a member's delivery marker announces one ``delivered``
event, so one socket hears every write), ``delivered`` frames received by all sockets together,
how long the burst took, the seconds until receipts settled, and the target: at most one receipt
write per receiving member per second of burst (the sockets debounce their receipts).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import tempfile
import time

import httpx
import websockets

from bench.harness import free_port, muster_server, seeding_env, sign_up

MEMBERS, MESSAGES = 21, 50
SERVER_ENV = {"CHAT_FRAME_RATE": "1000", "CHAT_FRAME_BURST": "1000"}


async def run(base: str, members: int, messages: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        people = [await sign_up(http, f"member{i}") for i in range(members)]
        _, sender_token = people[0]
        auth = {"Authorization": f"Bearer {sender_token}"}
        group = await http.post(
            "/api/chats/",
            json={"type": "group", "title": "burst", "member_ids": [uid for uid, _ in people[1:]]},
            headers=auth,
        )
        chat_id = int(group.json()["id"])

        heard_messages = [0] * members
        delivered_frames = [0] * members
        writes: list[tuple[int, int]] = []  # (member, up to message) as the sender's socket hears them
        last_receipt = [time.monotonic()]
        ready, receipt = asyncio.Event(), asyncio.Event()
        connected = [0]

        async def listen(index: int, token: str) -> None:
            url = f"{base.replace('http://', 'ws://')}/ws/chat/{chat_id}/?token={token}"
            async with websockets.connect(url, max_size=2**22) as ws:
                connected[0] += 1
                if connected[0] == members:
                    ready.set()
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "message":
                        heard_messages[index] += 1
                    elif frame.get("type") == "delivered":
                        delivered_frames[index] += 1
                        last_receipt[0] = time.monotonic()
                        receipt.set()
                        if index == 0:
                            writes.append((frame["user_id"], frame["message_id"]))

        tasks = [asyncio.create_task(listen(i, token)) for i, (_, token) in enumerate(people)]
        await asyncio.wait_for(ready.wait(), 30)
        await asyncio.sleep(1.0)  # history and presence frames are out
        started = time.monotonic()
        for n in range(messages):
            (
                await http.post(f"/api/chats/{chat_id}/messages/", json={"text": f"m{n}"}, headers=auth)
            ).raise_for_status()
        burst_s = time.monotonic() - started
        while True:  # settled once no receipt came for 2.5 s
            receipt.clear()
            try:
                await asyncio.wait_for(receipt.wait(), 2.5)
            except TimeoutError:
                break
        settled_s = last_receipt[0] - started
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    receivers = members - 1
    allowed = receivers * math.ceil(burst_s + 1)  # one per receiver per (started) second, and one at the end
    last_of = dict(writes)
    print(f"{members}-member group, {messages} messages posted back to back by one member over HTTP")
    print(f"burst took             : {burst_s:.2f} s   receipts settled after {settled_s:.2f} s")
    print(f"messages heard         : {sum(heard_messages)} of {messages * members}")
    print(f"receipt writes         : {len(writes)}   (target <= {allowed}: one per receiver per second of burst)")
    print(f"delivered frames       : {sum(delivered_frames)}   (every write is heard by the {members} sockets)")
    everyone = all(upto == max(m for _, m in writes) for upto in last_of.values()) and len(last_of) == receivers
    print(f"every receiver's marker reached the last message: {everyone}")
    print("OK" if len(writes) <= allowed and everyone else "ABOVE TARGET")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--messages", type=int, default=MESSAGES)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            database_url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        port = free_port()
        stack.enter_context(muster_server(port, seeding_env(database_url, **SERVER_ENV)))
        asyncio.run(run(f"http://127.0.0.1:{port}", args.members, args.messages))


if __name__ == "__main__":
    main()
