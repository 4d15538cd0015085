"""Shared pieces of the benchmarks: servers on loopback, a keep-alive load generator, percentiles.

Every benchmark measures Muster next to a bare ASGI app in the same run and prints the ratio, so
the figures mean something on whatever machine runs them. Traffic goes to 127.0.0.1 only, and every
loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url

ROOT = Path(__file__).resolve().parents[1]
BENCH_SECRET = "bench-secret-key-that-is-long-enough-for-hs256"


async def bare_lifespan(receive: Any, send: Any) -> None:
    """The lifespan protocol of the bare baseline apps: nothing to start or stop."""
    while True:
        message = await receive()
        await send({"type": message["type"] + ".complete"})
        if message["type"] == "lifespan.shutdown":
            return


async def run_sql(url: str, *statements: tuple[str, dict[str, object]]) -> None:
    """Run SQL statements in one transaction on a connection of their own (seeding, cleaning up)."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    async with engine.begin() as connection:
        for statement, params in statements:
            await connection.execute(text(statement), params)
    await engine.dispose()


def postgres_url(parser: argparse.ArgumentParser, given: str | None = None, *, why: str) -> str:
    """The PostgreSQL database to run on: ``given`` (a ``--database-url``), else ``DATABASE_URL``;
    anything else stops the benchmark with a usage error saying ``why`` it must be PostgreSQL."""
    url = given or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        parser.error(f"set DATABASE_URL to a PostgreSQL database ({why})")
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str = "/health/", timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            if sock.recv(64).startswith(b"HTTP/1.1"):
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def app_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SECRET_KEY=BENCH_SECRET,
        DEBUG="false",
        ALLOWED_HOSTS="*",
        LOG_LEVEL="WARNING",
        ACCESS_LOG="false",
        PYTHONPATH=str(ROOT / "src") + os.pathsep + str(ROOT),
    )
    env.update(extra)
    return env


def seeding_env(database_url: str, **extra: str) -> dict[str, str]:
    """``app_env`` for a benchmark that signs many users up first: migrations on start, no login or
    sign-up limit, and cheap password hashing (sign-up is set-up there, not what is measured)."""
    return app_env(
        DATABASE_URL=database_url,
        MIGRATE_ON_START="true",
        LOGIN_RATE_LIMIT="1000000",
        REGISTER_RATE_LIMIT="1000000",
        PASSWORD_HASH_TIME_COST="1",
        PASSWORD_HASH_MEMORY_KIB="8",
        PASSWORD_HASH_PARALLELISM="1",
        **extra,
    )


@contextlib.contextmanager
def server(
    args: list[str], port: int, env: dict[str, str], health: str = "/health/"
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends."""
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_http(port, health)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def muster_server(port: int, env: dict[str, str]) -> contextlib.AbstractContextManager[subprocess.Popen[bytes]]:
    return server([sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "1"], port, env)


def bare_server(module: str, port: int) -> contextlib.AbstractContextManager[subprocess.Popen[bytes]]:
    args = [sys.executable, "-m", "uvicorn", module, "--port", str(port), "--no-access-log", "--log-level", "warning"]
    args += ["--ws-per-message-deflate", "false"]  # as Muster serves sockets
    return server(args, port, app_env(), health="/")


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def wrk_load(port: int, path: str, headers: dict[str, str], *, connections: int, seconds: int) -> LoadResult | None:
    """Load with wrk when it is installed (``apt-get install wrk``); None otherwise."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    args = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    requests = int(next(line for line in output.splitlines() if "requests in" in line).split()[0])
    errors = sum(int(part.split()[-1]) for line in output.splitlines() if "Non-2xx" in line for part in [line])
    return LoadResult(requests=requests, errors=errors, seconds=float(seconds), latencies_ms=[])


async def _keepalive_client(port: int, request: bytes, deadline: float, result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            await reader.readexactly(length)
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            if not head.startswith(b"HTTP/1.1 2"):
                result.errors += 1
    finally:
        writer.close()


def python_load(port: int, path: str, headers: dict[str, str], *, connections: int, seconds: int) -> LoadResult:
    """A keep-alive asyncio client (used when wrk is missing; it may be the bottleneck itself)."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    result = LoadResult(requests=0, errors=0, seconds=float(seconds), latencies_ms=[])

    async def run() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_keepalive_client(port, request, deadline, result) for _ in range(connections)))

    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    asyncio.run(run())
    return result


def load(port: int, path: str, headers: dict[str, str], *, connections: int = 50, seconds: int = 10) -> LoadResult:
    return wrk_load(port, path, headers, connections=connections, seconds=seconds) or python_load(
        port, path, headers, connections=connections, seconds=seconds
    )


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    p50, p99, mean = percentile(values, 50), percentile(values, 99), statistics.fmean(values)
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, mean {mean:.1f} ms"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def until_idle(pid: int, *, quiet_s: float = 1.0, busy_share: float = 0.03, limit_s: float = 120) -> float:
    """Wait until the process has used under ``busy_share`` of a core for ``quiet_s``; the seconds
    waited (from the call) until the quiet stretch began, or ``limit_s`` when it never came."""
    started, step = time.monotonic(), 0.1
    window: list[float] = [cpu_seconds(pid)]
    while time.monotonic() - started < limit_s:
        await asyncio.sleep(step)
        window.append(cpu_seconds(pid))
        needed = round(quiet_s / step) + 1
        if len(window) >= needed and window[-1] - window[-needed] < busy_share * quiet_s:
            return max(0.0, time.monotonic() - started - quiet_s)
    return limit_s


class RedisProcess:
    """A ``redis-server`` of one's own on ``port``, without persistence: it can crash (``kill``) and
    start again empty, as after a real crash. The binary must be on PATH."""

    def __init__(self, port: int, workdir: Path | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not on PATH")
        self.binary, self.port, self.workdir = binary, port, workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 10) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        """Die at once: every connection drops, nothing is saved."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


async def sign_up(http: httpx.AsyncClient, name: str) -> tuple[int, str]:
    """Register a user with a unique e-mail and log in: its id and access token."""
    email = f"{name}-{time.time_ns()}@example.com"
    created = await http.post("/api/users/", json={"email": email, "password": "bench-password", "name": name})
    created.raise_for_status()
    token = (await http.post("/api/token/", json={"email": email, "password": "bench-password"})).json()["access"]
    return int(created.json()["id"]), str(token)
