"""Test harness: real PostgreSQL and Redis from TEST_DATABASE_URL / TEST_REDIS_URL, else testcontainers
when a Docker engine is present, else a skip with the reason. Under CI=true a missing service fails."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.base import metadata
from app.adapters.db.engine import async_url, is_sqlite
from app.adapters.db.migrations import upgrade
from app.bootstrap import build_services, create_app
from app.bootstrap.container import Services
from app.ports.mailer import Mailer
from app.settings import Settings
from tests.fakes import FixedClock

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ROOT = Path(__file__).resolve().parents[1]
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service fails the run)", pytrace=False)
    pytest.skip(reason)


def in_thread(fn: Any, *args: Any) -> Any:
    """Run blocking code that starts its own event loop (Alembic) outside the test loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def _docker_container(kind: str) -> Any:
    try:
        from docker.errors import DockerException
        from testcontainers.postgres import PostgresContainer
        from testcontainers.redis import RedisContainer
    except ImportError:
        return None
    try:
        if kind == "postgres":
            return PostgresContainer("postgres:16-alpine", driver="asyncpg").start()
        return RedisContainer("redis:7-alpine").start()
    except DockerException:
        return None


async def _reachable_postgres(url: str) -> str | None:
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with asyncio.timeout(5), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        await engine.dispose()
    return None


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def run_async(coroutine: Any) -> Any:
    """Run a coroutine to completion from synchronous fixture code, on a loop of its own."""
    return in_thread(asyncio.run, coroutine)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database (its public schema is rebuilt once per session)."""
    container = None
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        container = _docker_container("postgres")
        if container is None:
            unavailable("PostgreSQL: TEST_DATABASE_URL is not set and no Docker engine is available")
        url = container.get_connection_url()
    url = async_url(url)
    problem = run_async(_reachable_postgres(url))
    if problem:
        unavailable(f"PostgreSQL at {url} is not reachable: {problem}")
    run_async(_reset_postgres(url))
    in_thread(upgrade, url)
    yield url
    if container is not None:
        container.stop()


async def _flush_redis(url: str) -> str | None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        async with asyncio.timeout(5):
            await client.flushdb()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        await client.aclose()
    return None


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server (its database is flushed once per session)."""
    container = None
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        container = _docker_container("redis")
        if container is None:
            unavailable("Redis: TEST_REDIS_URL is not set and no Docker engine is available")
        url = f"redis://{container.get_container_host_ip()}:{container.get_exposed_port(6379)}/0"
    problem = run_async(_flush_redis(url))
    if problem:
        unavailable(f"Redis at {url} is not reachable: {problem}")
    yield url
    if container is not None:
        container.stop()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file: the embedded default."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'muster.db'}"
    in_thread(upgrade, url)
    return url


async def truncate_all(url: str) -> None:
    """Empty every table (the schema stays, as Alembic made it)."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    async with engine.begin() as connection:
        if is_sqlite(url):
            for table in tables:
                await connection.execute(text(f'DELETE FROM "{table}"'))
            with contextlib.suppress(Exception):
                await connection.execute(text("DELETE FROM sqlite_sequence"))
        else:
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """Each test using it runs on the embedded SQLite default and on PostgreSQL, starting empty."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    await truncate_all(url)
    yield url


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: cheap password hashing, any host, generous rate limits."""
    base = Settings(
        secret_key=TEST_SECRET,
        debug=True,
        allowed_hosts=("*",),
        database_url=database_url,
        database_pool_size=20,
        password_hash_time_cost=1,
        password_hash_memory_kib=8,
        password_hash_parallelism=1,
        login_rate_limit=1000,
        register_rate_limit=1000,
        chat_create_rate_limit=1000,
        log_level="WARNING",
    )
    return replace(base, **overrides)


@dataclass
class Api:
    """An app under test and an HTTP client on it, in the test's own event loop."""

    client: httpx.AsyncClient
    settings: Settings
    clock: FixedClock | None
    services: Services | None = None  # the app's container, when the test built the app in process

    async def register(
        self, email: str, *, role: str = "member", name: str = "", password: str = "s3cret-pass"
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/users/",
            json={"email": email, "password": password, "name": name or email.split("@")[0], "role": role},
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def login(self, email: str, password: str = "s3cret-pass") -> dict[str, str]:
        response = await self.client.post("/api/token/", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def user(self, email: str, *, role: str = "member") -> tuple[dict[str, Any], dict[str, str]]:
        """Register and log in; returns the user and the ``Authorization`` headers."""
        user = await self.register(email, role=role)
        tokens = await self.login(email)
        return user, {"Authorization": f"Bearer {tokens['access']}"}


@contextlib.asynccontextmanager
async def running_api(
    settings: Settings, *, mailer: Mailer | None = None, clock: FixedClock | None = None
) -> AsyncIterator[Api]:
    services = build_services(settings, mailer=mailer, clock=clock)
    app = create_app(settings, services=services)
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client=client, settings=settings, clock=clock, services=services)


@contextlib.asynccontextmanager
async def app_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Run the app's startup and shutdown in a task of their own.

    Fixture setup and teardown may run in different tasks, and the lifespan's cancel scopes must be
    entered and left in one task.
    """
    started, stop = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    try:
        yield
    finally:
        stop.set()
        await task


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[Api]:
    """The app on SQLite and on PostgreSQL, through an in-process ASGI client."""
    async with running_api(settings_for(database_url)) as running:
        yield running


async def create_first_admin(settings: Settings, email: str, password: str = "s3cret-pass") -> None:
    """Make an admin as ``python -m app createsuperuser`` does, with services of its own."""
    services = build_services(settings)
    try:
        await services.user_admin.create_superuser(email=email, password=password, name="Root")
    finally:
        await services.aclose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A real uvicorn process serving the app."""

    base_url: str
    ws_url: str
    process: subprocess.Popen[bytes]


def server_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SECRET_KEY=settings.secret_key,
        DEBUG="true",
        ALLOWED_HOSTS="*",
        DATABASE_URL=settings.database_url,
        PASSWORD_HASH_TIME_COST=str(settings.password_hash_time_cost),
        PASSWORD_HASH_MEMORY_KIB=str(settings.password_hash_memory_kib),
        PASSWORD_HASH_PARALLELISM=str(settings.password_hash_parallelism),
        LOGIN_RATE_LIMIT=str(settings.login_rate_limit),
        REGISTER_RATE_LIMIT=str(settings.register_rate_limit),
        CHAT_CREATE_RATE_LIMIT=str(settings.chat_create_rate_limit),
        MIGRATE_ON_START="false",
        LOG_LEVEL="WARNING",
    )
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


@contextlib.contextmanager
def live_server(
    settings: Settings,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    output: IO[bytes] | None = None,
    port: int | None = None,
) -> Iterator[LiveServer]:
    """Start ``python -m app serve`` on ``port`` (a free one by default) and wait until it answers
    ``/health/``; ``env`` adds to its environment, and its stdout and stderr go to ``output`` when given."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)],
        env={**server_env(settings), **(env or {})},
        cwd=ROOT,
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/health/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 30 s")
            time.sleep(0.1)
        yield LiveServer(base_url=base, ws_url=f"ws://127.0.0.1:{port}", process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
