"""A real server process with a first admin, and an HTTP client on it that makes accounts: where the
browser tests of the admin panel and of the desk start."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.settings import Settings
from tests.conftest import LiveServer, create_first_admin, live_server, settings_for

ADMIN_EMAIL, PASSWORD = "root@example.com", "s3cret-pass"


@dataclass
class Person:
    id: int
    email: str
    name: str
    headers: dict[str, str]


@dataclass
class LiveSite:
    """A running server with a first admin, and an HTTP client on it."""

    server: LiveServer
    settings: Settings
    http: httpx.AsyncClient

    async def person(self, email: str, *, role: str = "member") -> Person:
        """A new account, named after its e-mail, and its ``Authorization`` headers."""
        name = email.split("@")[0].capitalize()
        body = {"email": email, "password": PASSWORD, "name": name, "role": role}
        created = await self.http.post("/api/users/", json=body)
        assert created.status_code == 201, created.text
        return Person(id=int(created.json()["id"]), email=email, name=name, headers=await self.headers(email))

    async def headers(self, email: str) -> dict[str, str]:
        tokens = await self.http.post("/api/token/", json={"email": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
        return {"Authorization": f"Bearer {tokens.json()['access']}"}


@contextlib.contextmanager
def media_server(database_url: str, media: Path) -> Iterator[tuple[LiveServer, Settings]]:
    """``python -m app serve`` on ``database_url``, keeping uploaded images under ``media``."""
    settings = settings_for(database_url)
    with live_server(settings, env={"MEDIA_ROOT": str(media)}) as running:
        yield running, settings


@contextlib.asynccontextmanager
async def admin_client(running: LiveServer, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The first admin made in the server's database, and an HTTP client on the server."""
    await create_first_admin(settings, ADMIN_EMAIL, PASSWORD)
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        yield http
