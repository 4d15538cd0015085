"""The desk and expedition pages in headless Chromium against a real server process on SQLite:
people with their accounts and a browser context each."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from app.settings import Settings
from tests.conftest import LiveServer, truncate_all
from tests.e2e.live_site import ADMIN_EMAIL, PASSWORD, LiveSite, Person, admin_client, media_server

REFUSAL = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d ")


def _refusal(text: str) -> bool:
    """Chromium logs every 4xx answer; the pages show those refusals in words, so they are expected."""
    return bool(REFUSAL.match(text))


@dataclass
class Site(LiveSite):
    """A running server, an HTTP client on it, and the browser to open pages with."""

    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

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
    with media_server(sqlite_url, tmp_path / "media") as served:
        yield served


@pytest.fixture
async def site(server: tuple[LiveServer, Settings], browser: Browser) -> AsyncIterator[Site]:
    running, settings = server
    await truncate_all(settings.database_url)
    async with admin_client(running, settings) as http:
        built = Site(server=running, settings=settings, http=http, browser=browser)
        try:
            yield built
        finally:
            for context in built.contexts:
                with contextlib.suppress(Exception):
                    await context.close()
    assert not built.problems, built.problems
