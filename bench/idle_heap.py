"""Where the Python heap of idle chat sockets goes: tracemalloc on the server, next to the bare server.

Usage: ``.venv/bin/python -m bench.idle_heap [--sockets 500] [--top 25] [--frames 8] [--bare]
[--keep DIR]``, or ``--report DIR`` to report again on the snapshots a run kept in DIR.
Uses DATABASE_URL (and REDIS_URL) when set, else a fresh SQLite file. A run takes minutes: the
server is much slower with tracemalloc on.

The server runs with tracemalloc on (``--frames`` frames per traceback). After 50 sockets were
opened and closed (what a first connection sets up once), one snapshot is taken with the server
idle; then ``--sockets`` idle chat sockets of distinct users are opened, and a second snapshot is
taken once the server is idle again. Printed: the heap each socket holds (the snapshots' difference
over the sockets), grouped by the innermost frame of the app or Litestar that allocated it, the
tracebacks that hold most of it, and the object types whose count grew most (``gc.get_objects``,
per socket). With ``--bare``, the same for the bare ASGI server
(``bench.bare_broadcast``) on the same uvicorn, to see what both pay.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import httpx
import websockets

from bench.chat_fanout import drain, open_sockets, room_of_users
from bench.harness import ROOT, app_env, free_port, seeding_env, until_idle, wait_http

_DUMP = "IDLE_HEAP_DUMP"  # where the server writes a snapshot when sent SIGUSR1


def _dump(_signum: int, _frame: FrameType | None) -> None:
    """Write a tracemalloc snapshot and a count of live objects per type (``<path>.json``)."""
    path = Path(os.environ[_DUMP]).read_text()
    gc.collect()
    counts = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
    tracemalloc.take_snapshot().dump(path)
    Path(path + ".json").write_text(json.dumps(counts))
    Path(path + ".done").touch()


def _serve(kind: str, port: int) -> None:
    """The server process: Muster as ``python -m app serve`` runs it, or the bare server."""
    signal.signal(signal.SIGUSR1, _dump)
    import uvicorn

    if kind == "bare":
        uvicorn.run("bench.bare_broadcast:app", port=port, log_level="warning", ws_per_message_deflate=False)
        return
    from app.cli.serve import serve
    from app.settings import Settings

    serve(Settings.from_env(env_file=None), port=port, workers=1, reload=False)


@contextlib.contextmanager
def _server(kind: str, port: int, env: dict[str, str], frames: int) -> Iterator[subprocess.Popen[bytes]]:
    args = [sys.executable, "-X", f"tracemalloc={frames}", "-m", "bench.idle_heap", "--serve", kind, str(port)]
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        wait_http(port, "/health/" if kind == "muster" else "/")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _snapshot(process: subprocess.Popen[bytes], path: str, sockets: int = 0) -> None:
    """Have the server write its snapshot to ``path`` (``sockets``: how many are open), and wait."""
    Path(path.rsplit("-", 1)[0] + "-sockets").write_text(str(sockets))
    done = Path(path + ".done")
    done.unlink(missing_ok=True)
    Path(os.environ[_DUMP]).write_text(path)
    process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 120
    while not done.exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the server wrote no snapshot")
        time.sleep(0.1)


def _load(path: str) -> tuple[tracemalloc.Snapshot, collections.Counter[str]]:
    counts = collections.Counter(json.loads(Path(path + ".json").read_text()))
    return tracemalloc.Snapshot.load(path), counts


async def _open(pid: int, urls: list[str], *, welcome: bool) -> list[websockets.ClientConnection]:
    sockets = await open_sockets(urls, welcome=welcome)
    await asyncio.gather(*(drain(ws, 0.5) for ws in sockets))
    await until_idle(pid)
    return sockets


def measure(
    kind: str, port: int, env: dict[str, str], urls: list[str], tmp: str, *, frames: int, top: int, welcome: bool
) -> None:
    with _server(kind, port, env, frames) as process:

        async def run() -> None:
            warm = await _open(process.pid, urls[:50], welcome=welcome)
            await asyncio.gather(*(ws.close() for ws in warm), return_exceptions=True)
            await until_idle(process.pid)
            await asyncio.to_thread(_snapshot, process, f"{tmp}/{kind}-before")
            sockets = await _open(process.pid, urls[50:], welcome=welcome)
            await asyncio.to_thread(_snapshot, process, f"{tmp}/{kind}-after", len(sockets))
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)

        asyncio.run(run())
    report_on(tmp, kind, top)


def report_on(tmp: str, kind: str, top: int) -> None:
    """Report on the snapshots of ``kind`` kept in ``tmp``."""
    before, counts_before = _load(f"{tmp}/{kind}-before")
    after, counts_after = _load(f"{tmp}/{kind}-after")
    sockets = int(Path(f"{tmp}/{kind}-sockets").read_text())
    report(kind, sockets, before, after, counts_before, counts_after, top)


def report(
    kind: str,
    sockets: int,
    before: tracemalloc.Snapshot,
    after: tracemalloc.Snapshot,
    counts_before: collections.Counter[str],
    counts_after: collections.Counter[str],
    top: int,
) -> None:
    ignore = [
        tracemalloc.Filter(inclusive=False, filename_pattern=tracemalloc.__file__),
        tracemalloc.Filter(inclusive=False, filename_pattern="<frozen importlib._bootstrap>"),
    ]
    before, after = before.filter_traces(ignore), after.filter_traces(ignore)
    stats = after.compare_to(before, "traceback")
    grown = sum(s.size_diff for s in stats)
    print(f"{kind}: {sockets} idle sockets, {grown / sockets:.0f} bytes of Python heap per socket")
    by_owner: collections.Counter[str] = collections.Counter()
    for stat in stats:
        by_owner[_owner(stat.traceback)] += stat.size_diff
    print("  per socket, by the innermost frame of the app, Litestar or the bare app (else the allocation):")
    for owner, size in by_owner.most_common(top):
        print(f"    {size / sockets:7.0f} B  {owner}")
    print("  per socket, by traceback (innermost first):")
    for stat in sorted(stats, key=lambda s: -s.size_diff)[:top]:
        if stat.size_diff <= 0:
            break
        path = " < ".join(_where(frame) for frame in reversed(stat.traceback))
        print(f"    {stat.size_diff / sockets:7.0f} B {stat.count_diff / sockets:5.2f} blocks  {path}")
    print("  objects per socket, by type:")
    delta = counts_after.copy()
    delta.subtract(counts_before)
    for name, count in delta.most_common(top):
        if count <= 0:
            break
        print(f"    {count / sockets:6.2f}  {name}")


_OWNERS = ("/src/app/", "/litestar/", "/bench/bare_broadcast.py")


def _where(frame: tracemalloc.Frame) -> str:
    name = frame.filename
    for marker in (*_OWNERS, "/site-packages/", "/lib/python3"):
        if marker in name:
            name = name.split(marker, 1)[1] if marker != "/bench/bare_broadcast.py" else "bare_broadcast.py"
            break
    return f"{name}:{frame.lineno}"


def _owner(traceback: tracemalloc.Traceback) -> str:
    """Where an allocation is held: the innermost frame in the app, Litestar or the bare app."""
    for frame in reversed(traceback):  # innermost first
        if any(marker in frame.filename for marker in _OWNERS) and not frame.filename.endswith("/cli/serve.py"):
            return _where(frame)
    return _where(traceback[-1]) if len(traceback) else "?"


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        _serve(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--bare", action="store_true", help="also measure the bare ASGI server")
    parser.add_argument("--report", metavar="DIR", help="only report on the snapshots an earlier run kept in DIR")
    parser.add_argument("--keep", metavar="DIR", help="keep the snapshots in DIR (for --report)")
    args = parser.parse_args()
    if args.report:
        for kind in ("muster", "bare"):
            if Path(f"{args.report}/{kind}-after").exists():
                report_on(args.report, kind, args.top)
        return
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        if args.keep:
            tmp = args.keep
            os.makedirs(tmp, exist_ok=True)
        env = seeding_env(database_url, **{_DUMP: f"{tmp}/dump-path"})
        os.environ[_DUMP] = f"{tmp}/dump-path"
        port = free_port()
        with _server("muster", port, env, 1) as _:  # seeding: users, a room, their tokens
            room, tokens = asyncio.run(_seed(port, database_url, args.sockets + 50))
        urls = [f"ws://127.0.0.1:{port}/ws/chat/{room}/?token={token}" for token in tokens]
        measure("muster", port, env, urls, tmp, frames=args.frames, top=args.top, welcome=True)
        if args.bare:
            bare_port = free_port()
            urls = [f"ws://127.0.0.1:{bare_port}/"] * (args.sockets + 50)
            bare_env = app_env(**{_DUMP: f"{tmp}/dump-path"})
            measure("bare", bare_port, bare_env, urls, tmp, frames=args.frames, top=args.top, welcome=False)


async def _seed(port: int, database_url: str, count: int) -> tuple[int, list[str]]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        return await room_of_users(http, database_url, count, f"heap{port}-")


if __name__ == "__main__":
    main()
