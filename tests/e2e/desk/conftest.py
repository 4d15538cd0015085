"""The desk and expedition pages in headless Chromium against a real server process on SQLite:
people with their accounts and a browser context each."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page

from app.settings import Settings
from tests.conftest import LiveServer, create_first_admin, live_server, settings_for, truncate_all

ADMIN_EMAIL, PASSWORD = "root@example.com", "s3cret-pass"


REFUSAL = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d ")


def _refusal(text: str) -> bool:
    """Chromium logs every 4xx answer; the pages show those refusals in words, so they are expected."""
    return bool(REFUSAL.match(text))


@dataclass
class Person:
    id: int
    email: str
    name: str
    headers: dict[str, str]


@dataclass
class Site:
    """A running server, an HTTP client on it, and the browser to open pages with."""

    server: LiveServer
    settings: Settings
    http: httpx.AsyncClient
    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    async def person(self, email: str, *, role: str = "member") -> Person:
        name = email.split("@")[0].capitalize()
        body = {"email": email, "password": PASSWORD, "name": name, "role": role}
        created = await self.http.post("/api/users/", json=body)
        assert created.status_code == 201, created.text
        return Person(id=int(created.json()["id"]), email=email, name=name, headers=await self.headers(email))

    async def headers(self, email: str) -> dict[str, str]:
        tokens = await self.http.post("/api/token/", json={"email": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
        return {"Authorization": f"Bearer {tokens.json()['access']}"}

    async def organizer(self, email: str) -> Person:
        """A person an admin made an organizer (the API grants that role to no one else)."""
        person = await self.person(email)
        admin = await self.headers(ADMIN_EMAIL)
        granted = await self.http.put(
            f"/api/admin/users/{person.id}/roles/", json={"roles": ["organizer"]}, headers=admin
        )
        assert granted.status_code == 200, granted.text
        return person

    async def page(self, width: int = 1280, height: int = 900) -> Page:
        """A new browser context (its own storage, so its own session) and a page in it."""
        context = await self.browser.new_context(
            base_url=self.server.base_url, viewport={"width": width, "height": height}
        )
        self.contexts.append(context)
        opened = await context.new_page()
        opened.on(
            "console", lambda m: self.problems.append(m.text) if m.type == "error" and not _refusal(m.text) else None
        )
        opened.on("pageerror", lambda e: self.problems.append(str(e)))
        return opened

    async def signed_in(self, path: str, person: Person, *, width: int = 1280) -> Page:
        """A page at ``path`` after logging in through its own form."""
        opened = await self.page(width=width)
        await opened.goto(path)
        await opened.get_by_label("E-mail").fill(person.email)
        await opened.get_by_label("Password").fill(PASSWORD)
        await opened.get_by_role("button", name="Log in", exact=True).click()
        await opened.get_by_role("heading", level=1).first.wait_for()
        return opened


def stop(running: LiveServer) -> int:
    """Stop the server process; returns its port, so a new one can serve where pages reconnect."""
    running.process.terminate()
    running.process.wait(timeout=10)
    return int(running.base_url.rsplit(":", 1)[1])


@pytest.fixture
def server(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, Settings]]:
    settings = settings_for(sqlite_url)
    with live_server(settings, env={"MEDIA_ROOT": str(tmp_path / "media")}) as running:
        yield running, settings


@pytest.fixture
async def site(server: tuple[LiveServer, Settings], browser: Browser) -> AsyncIterator[Site]:
    running, settings = server
    await truncate_all(settings.database_url)
    await create_first_admin(settings, ADMIN_EMAIL, PASSWORD)
    async with httpx.AsyncClient(base_url=running.base_url, timeout=10) as http:
        built = Site(server=running, settings=settings, http=http, browser=browser)
        try:
            yield built
        finally:
            for context in built.contexts:
                with contextlib.suppress(Exception):
                    await context.close()
    assert not built.problems, built.problems
