"""The chat page in Debian's Chromium against a real server process on SQLite, which a test may
stop and start again on the same port and database."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, ViewportSize, expect

from tests.conftest import LiveServer, free_port, live_server, settings_for, truncate_all

PASSWORD = "s3cret-pass"
WIDE: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = os.environ.get("WEB_SCREENSHOTS_DIR")  # set to docs/ to refresh the README's pictures
HANDLED = re.compile(r"status of 4\d\d|ERR_CONNECTION_REFUSED|WebSocket connection to .* failed")
FAST_POSTS = {"CHAT_FRAME_RATE": "1000", "CHAT_FRAME_BURST": "1000"}  # a test seeds 100 messages


class Site:
    """One server process at a fixed address; ``restart`` stops it and starts a new one there."""

    def __init__(self, database_url: str, **env: str) -> None:
        self._settings = settings_for(database_url)
        self._env = {**FAST_POSTS, **env}
        self._port = free_port()
        self._stack = contextlib.ExitStack()
        self.server: LiveServer = self._start()

    def _start(self) -> LiveServer:
        return self._stack.enter_context(live_server(self._settings, port=self._port, env=self._env))

    @property
    def url(self) -> str:
        return self.server.base_url

    def stop(self) -> None:
        self._stack.close()
        self._stack = contextlib.ExitStack()

    def start(self) -> None:
        self.server = self._start()


@pytest.fixture(scope="module")
def site(sqlite_url: str) -> Iterator[Site]:
    running = Site(sqlite_url)
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Person:
    """One user's browser context and page, and every console error the page logged."""

    context: BrowserContext
    page: Page
    name: str
    errors: list[str] = field(default_factory=list)

    @property
    def email(self) -> str:
        return f"{self.name.lower()}@example.com"

    async def register(self, *, username: str | None = None) -> None:
        page = self.page
        await page.get_by_role("button", name="Create an account").click()
        await page.locator("#register-name").fill(self.name)
        await page.locator("#register-username").fill(username if username is not None else self.name.lower())
        await page.locator("#register-email").fill(self.email)
        await page.locator("#register-password").fill(PASSWORD)
        await page.get_by_role("button", name="Create account").click()
        await expect(page.locator("#app")).to_be_visible()

    async def log_in(self) -> None:
        await self.page.locator("#login-email").fill(self.email)
        await self.page.locator("#login-password").fill(PASSWORD)
        await self.page.get_by_role("button", name="Log in").click()
        await expect(self.page.locator("#app")).to_be_visible()

    async def create_room(self, name: str, *, password: str = "") -> None:
        """Make a room from the Rooms box; it opens."""
        page = self.page
        if not await page.locator("#rooms-box").get_attribute("open"):
            await page.get_by_text("Rooms", exact=True).click()
        await page.get_by_label("New room's name").fill(name)
        await page.locator("#room-password").fill(password)
        await page.get_by_role("button", name="Create room").click()
        await expect(page.locator("#chat-title")).to_have_text(name)

    async def live(self) -> None:
        """Wait until the open chat's socket is live."""
        await expect(self.page.locator("#chat-state")).to_have_attribute("data-state", "live")

    async def send(self, text: str) -> None:
        await self.page.get_by_label("Message", exact=True).fill(text)
        await self.page.get_by_label("Message", exact=True).press("Enter")

    def message(self, text: str) -> Locator:
        """The message of the open chat whose own text (not a quote of it) holds ``text``."""
        return self.page.locator("#messages article").filter(has=self.page.locator(".text", has_text=text))


class People:
    """Opens a fresh browser context per person, and closes them all at the end."""

    def __init__(self, chromium: Browser, site: Site | str) -> None:
        self._browser, self._site = chromium, site
        self.opened: list[Person] = []

    @property
    def site_url(self) -> str:
        return self._site if isinstance(self._site, str) else self._site.url

    async def open(self, name: str, *, viewport: ViewportSize = WIDE) -> Person:
        context = await self._browser.new_context(viewport=viewport)
        page = await context.new_page()
        person = Person(context=context, page=page, name=name)

        def on_console(message: ConsoleMessage) -> None:
            # Refusals the page answers (a wrong password's 403) and a stopped server's refused
            # connections are logged by the browser itself; anything else is the page's fault.
            if message.type == "error" and not HANDLED.search(message.text):
                person.errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: person.errors.append(str(error)))
        page.set_default_timeout(10_000)
        await page.goto(self.site_url + "/")
        self.opened.append(person)
        return person

    async def close(self) -> None:
        for person in self.opened:
            await person.context.close()


@pytest.fixture
async def people(browser: Browser, site: Site, sqlite_url: str) -> AsyncIterator[People]:
    await truncate_all(sqlite_url)
    opened = People(browser, site)
    try:
        yield opened
    finally:
        await opened.close()
