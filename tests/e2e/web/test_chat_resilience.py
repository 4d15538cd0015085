"""The chat through a server restart, expired tokens and a refresh that fails for a while, before a
socket is let in, on a phone's width, and under an accessibility check, in Chromium."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, Route, WebSocketRoute, expect

from tests.conftest import truncate_all
from tests.e2e.chromium import serious_violations, tokens, until_expired
from tests.e2e.web.conftest import PASSWORD, PHONE, SHOTS, People, Person, Site
from tests.e2e.web.test_chat_browser import start_private_chat

pytestmark = pytest.mark.slow

RECONNECT_WITHIN_MS = 30_000  # backoff reaches 10 s between attempts
CHAT_SOCKET = re.compile(r"/ws/chat/\d+/")
REFRESH = "**/api/token/refresh/"


async def _texts(person: Person) -> list[str]:
    return await person.page.locator("#messages article .text").all_text_contents()


async def _state(person: Person, name: str) -> None:
    await expect(person.page.locator("#chat-state")).to_have_attribute("data-state", name, timeout=RECONNECT_WITHIN_MS)


async def test_the_conversation_goes_on_without_a_gap_when_the_server_restarts(people: People, site: Site) -> None:
    ann, bob = await people.open("Ann"), await people.open("Bob")
    await ann.register()
    await bob.register()
    await start_private_chat(ann, bob)
    await bob.page.locator(".chat-item").filter(has_text="Ann").click()
    await bob.live()
    await ann.send("before the restart")
    await expect(bob.message("before the restart")).to_be_visible()

    await asyncio.to_thread(site.stop)
    for person in (ann, bob):
        await _state(person, "reconnecting")
        await expect(person.page.locator("#chat-state")).to_have_text("reconnecting…")
    await ann.send("written while the server was away")  # waits in Ann's outbox
    await asyncio.to_thread(site.start)
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as http:  # posted before the pages are back
        tokens = (await http.post("/api/token/", json={"email": bob.email, "password": PASSWORD})).json()
        chat_id = int(bob.page.url.rsplit("/", 1)[1])
        headers = {"Authorization": f"Bearer {tokens['access']}"}
        posted = await http.post(
            f"/api/chats/{chat_id}/messages/", json={"text": "sent over HTTP meanwhile"}, headers=headers
        )
        assert posted.status_code == 201, posted.text

    for person in (ann, bob):
        await _state(person, "live")
    await bob.send("after the restart")
    expected = {
        "before the restart",
        "written while the server was away",
        "sent over HTTP meanwhile",
        "after the restart",
    }
    for person in (ann, bob):
        await expect(person.message("after the restart")).to_be_visible()
        await expect(person.message("written while the server was away")).to_be_visible()
        await expect(person.message("sent over HTTP meanwhile")).to_be_visible()
        texts = await _texts(person)
        assert sorted(texts) == sorted(expected), texts  # each once: nothing missed, nothing twice
    assert ann.errors == [] and bob.errors == []


async def _no_horizontal_scroll(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


async def test_a_phone_shows_one_pane_at_a_time_without_horizontal_scrolling(people: People) -> None:
    ann, bob = await people.open("Ann", viewport=PHONE), await people.open("Bob")
    await _no_horizontal_scroll(ann.page)
    await ann.register()
    await bob.register()
    for box in await ann.page.locator("input:visible").all():
        height = (await box.bounding_box() or {"height": 0})["height"]
        assert 32 <= height <= 56, height  # sane input sizes
    await start_private_chat(ann, bob)
    await ann.send("https://example.com/" + "a-very-long-path-without-any-space" * 4)
    await ann.send("A longer line of ordinary words that has to wrap on a narrow phone screen, and it does.")
    await expect(ann.message("ordinary words")).to_be_visible()
    await _no_horizontal_scroll(ann.page)
    pane = await ann.page.locator("#messages").bounding_box()
    assert pane is not None and pane["width"] >= 300, pane
    if SHOTS:
        await ann.page.screenshot(path=str(Path(SHOTS) / "web-phone.png"))
    await ann.page.get_by_role("button", name="Back to Chats").click()
    await expect(ann.page.locator(".chat-item").filter(has_text="Bob")).to_be_visible()
    await _no_horizontal_scroll(ann.page)
    assert ann.errors == [] and bob.errors == []


async def test_every_chat_screen_passes_an_accessibility_check(people: People) -> None:
    ann = await people.open("Ann")
    bob = await people.open("Bob")
    assert await serious_violations(ann.page) == []  # log in
    await ann.page.get_by_role("button", name="Create an account").click()
    assert await serious_violations(ann.page) == []  # register
    await ann.page.get_by_role("button", name="I have an account").click()
    await ann.register()
    await bob.register()
    await start_private_chat(ann, bob)
    await ann.send("Hello, see https://example.com")
    await bob.page.locator(".chat-item").filter(has_text="Ann").click()
    await bob.live()
    await bob.send("On my way")
    await expect(ann.message("On my way")).to_be_visible()
    await ann.page.get_by_text("New chat or group").click()  # folded again: the list shows whole
    if SHOTS:
        await ann.page.screenshot(path=str(Path(SHOTS) / "web-chat.png"))
    for summary in ("New chat or group", "Rooms", "Search messages"):
        await ann.page.get_by_text(summary, exact=True).click()
    await ann.message("On my way").focus()
    assert await serious_violations(ann.page) == []  # the list, the finders and the open chat
    await ann.page.keyboard.press("Tab")  # from the focused message to its first action
    await expect(ann.message("On my way").get_by_role("button", name="Reply")).to_be_focused()
    await ann.page.keyboard.press("Shift+Tab")
    await ann.page.keyboard.press("ArrowUp")  # arrow keys move between messages
    await expect(ann.message("Hello, see")).to_be_focused()
    await ann.message("Hello, see").get_by_role("button", name="Forward").click()
    await expect(ann.page.locator("#forward-dialog")).to_be_visible()
    assert await serious_violations(ann.page) == []  # the forward dialog
    await ann.page.keyboard.press("Escape")
    await ann.page.set_viewport_size(PHONE)
    assert await serious_violations(ann.page) == []  # the phone layout
    assert ann.errors == [] and bob.errors == []


@pytest.fixture
async def short_lived(browser: Browser, sqlite_url: str) -> AsyncIterator[People]:
    """People on a server of its own whose access tokens last two seconds."""
    short = Site(sqlite_url, ACCESS_TOKEN_TTL_S="2")
    opened = People(browser, short.url)
    try:
        await truncate_all(sqlite_url)
        yield opened
    finally:
        await opened.close()
        await asyncio.to_thread(short.stop)


async def test_a_page_outlives_its_access_token_by_refreshing_it(short_lived: People) -> None:
    ann, bob = await short_lived.open("Ann"), await short_lived.open("Bob")
    await ann.register()
    await bob.register()
    await start_private_chat(ann, bob)
    first = await tokens(ann.page)
    await until_expired(first["access"])
    await ann.page.reload()  # HTTP calls refresh it once, the sockets connect with the new one
    await ann.live()
    assert (await tokens(ann.page))["refresh"] != first["refresh"]
    await ann.send("still signed in")
    await expect(bob.page.locator(".chat-item").filter(has_text="Ann").locator(".badge")).to_have_text("1")
    assert ann.errors == [] and bob.errors == []


class ChatSockets:
    """Every chat socket a page opens, each through to the server, or (while ``holding``) held
    open without one: the page sees it open, but no server has let it in yet."""

    def __init__(self) -> None:
        self.through: list[WebSocketRoute] = []
        self.held: list[WebSocketRoute] = []
        self.holding = False
        self.opened = asyncio.Event()

    def __call__(self, socket: WebSocketRoute) -> None:
        if self.holding:
            self.held.append(socket)
        else:
            socket.connect_to_server()
            self.through.append(socket)
        self.opened.set()

    async def drop(self) -> None:
        """Close the page's socket (as a restarting server would) and wait for the page to open the next one."""
        self.opened.clear()
        await self.through[-1].close(code=1012, reason="service restart")
        await asyncio.wait_for(self.opened.wait(), timeout=RECONNECT_WITHIN_MS / 1000)


async def _chatting(people: People) -> tuple[Person, Person, ChatSockets]:
    """Ann and Bob in their private chat, both live; Ann's chat sockets go through ChatSockets."""
    ann, bob = await people.open("Ann"), await people.open("Bob")
    await ann.register()
    await bob.register()
    sockets = ChatSockets()
    await ann.page.route_web_socket(CHAT_SOCKET, sockets)
    await start_private_chat(ann, bob)
    await bob.page.locator(".chat-item").filter(has_text="Ann").click()
    await bob.live()
    return ann, bob, sockets


def _away_for_a_while(calls: list[int]) -> Callable[[Route], Awaitable[None]]:
    """A route handler: the first request finds the network gone, the second a server answering
    503, the later ones get through; ``calls`` numbers them."""

    async def away(route: Route) -> None:
        calls.append(len(calls) + 1)
        if len(calls) == 1:
            await route.abort("internetdisconnected")
        elif len(calls) == 2:
            await route.fulfill(status=503, json={"status": 503, "code": "unavailable", "detail": "Try again later."})
        else:
            await route.continue_()

    return away


async def test_live_updates_go_on_when_refreshing_the_token_fails_for_a_while(short_lived: People) -> None:
    ann, bob, sockets = await _chatting(short_lived)
    refreshes: list[int] = []
    await ann.page.route(REFRESH, _away_for_a_while(refreshes))
    await until_expired((await tokens(ann.page))["access"])
    await sockets.drop()  # it reconnects with the expired token: refused (4401), so it refreshes the pair
    await bob.send("still live")
    await expect(ann.message("still live")).to_be_visible(timeout=RECONNECT_WITHIN_MS)
    await _state(ann, "live")
    assert refreshes == [1, 2, 3]
    assert len(sockets.through) == 3  # the first, the one refused for its token, the one let in after the refresh
    unexpected = [e for e in ann.errors if not re.search(r"status of 503|ERR_INTERNET_DISCONNECTED", e)]
    assert unexpected == [] and bob.errors == []


async def test_an_action_taken_before_the_server_lets_the_socket_in_is_refused_in_words(people: People) -> None:
    ann, bob, sockets = await _chatting(people)
    await ann.send("Pin me")
    await expect(bob.message("Pin me")).to_be_visible()

    sockets.holding = True
    await sockets.drop()  # the next socket is open, but not let in
    await expect(ann.page.locator("#chat-state")).to_have_attribute("data-state", "reconnecting")
    pin = ann.message("Pin me").get_by_role("button", name="Pin")
    await ann.message("Pin me").hover()
    await pin.click()
    await expect(ann.page.locator("#banner")).to_have_text("Not connected: try again in a moment.")

    sockets.holding = False
    await sockets.held[0].close(code=4401, reason="token_expired")  # refused: it refreshes and comes back
    await ann.live()
    await pin.click()
    await expect(bob.message("Pin me").locator(".flags")).to_contain_text("pinned")
    await expect(ann.message("Pin me").locator(".flags")).to_contain_text("pinned")
    assert ann.errors == [] and bob.errors == []


async def test_a_reload_while_the_server_cannot_be_reached_keeps_the_session(people: People) -> None:
    ann = await people.open("Ann")
    await ann.register()
    asked: list[int] = []
    await ann.page.route("**/api/users/me/", _away_for_a_while(asked))
    await ann.page.reload()
    await expect(ann.page.locator("#banner")).to_have_text("The server cannot be reached; trying again…")
    await expect(ann.page.locator("#app")).to_be_visible(timeout=RECONNECT_WITHIN_MS)
    await expect(ann.page.locator("#auth")).to_be_hidden()
    await expect(ann.page.locator("#banner")).to_have_text("")
    assert asked == [1, 2, 3]
    assert (await tokens(ann.page))["access"]  # still signed in: no login asked for
    unexpected = [e for e in ann.errors if not re.search(r"status of 503|ERR_INTERNET_DISCONNECTED", e)]
    assert unexpected == []
