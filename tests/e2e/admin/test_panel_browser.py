"""The admin panel in headless Chromium against a real server process, on SQLite and PostgreSQL:
an admin's day (filters, cover thumbnails, a role, a deactivation, a reservation decision and a
message deletion, each seen where it must be seen), and everyone else refused."""

from __future__ import annotations

import asyncio
import io
import json
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import websockets
from PIL import Image
from playwright.async_api import Browser, Page

from app.settings import Settings
from tests.conftest import LiveServer
from tests.e2e.live_site import ADMIN_EMAIL, PASSWORD, LiveSite, admin_client, media_server

pytestmark = pytest.mark.slow
SCREENSHOT = os.environ.get("MUSTER_ADMIN_SCREENSHOT")  # where to save the panel's picture for the README


class Site(LiveSite):
    def socket(self, path: str, headers: dict[str, str]) -> Any:
        return websockets.connect(f"{self.server.ws_url}{path}?token={headers['Authorization'].split()[1]}")


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, Settings]]:
    with media_server(database_url, tmp_path / "media") as served:
        yield served


@pytest.fixture
async def site(server: tuple[LiveServer, Settings]) -> AsyncIterator[Site]:
    running, settings = server
    async with admin_client(running, settings) as http:
        yield Site(server=running, settings=settings, http=http)


@pytest.fixture
async def page(browser: Browser, site: Site) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=site.server.base_url, viewport={"width": 1400, "height": 900})
    opened = await context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    # A request cut short by the next navigation (a font still loading) is not a failure.
    opened.on(
        "requestfailed", lambda r: problems.append(f"failed: {r.url}") if r.failure != "net::ERR_ABORTED" else None
    )
    try:
        yield opened
    finally:
        await context.close()
    assert not [p for p in problems if "Content Security Policy" in p or "failed:" in p], problems


async def log_in(page: Page, email: str = ADMIN_EMAIL) -> None:
    await page.goto("/admin/")
    assert page.url.endswith("/admin/login")
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")


async def open_detail(page: Page, view: str, pk: int) -> None:
    await page.goto(f"/admin/{view}/details/{pk}")
    await page.wait_for_selector("#panel-actions, .panel-section")


async def next_frame(ws: Any, kind: str, **fields: Any) -> dict[str, Any]:
    async with asyncio.timeout(5):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == kind and all(frame.get(k) == v for k, v in fields.items()):
                return dict(frame)


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 200)).save(out, format="PNG")
    return out.getvalue()


async def test_an_admin_filters_grants_deactivates_decides_and_moderates_in_the_browser(page: Page, site: Site) -> None:
    org, ann, bob = [await site.person(f"{name}@example.com") for name in ("org", "ann", "bob")]
    await log_in(page)
    await page.wait_for_selector("text=Users")

    # Grant a role: the organizer may create events right after.
    await open_detail(page, "users", org.id)
    await page.check("form[data-action=roles] input[value=organizer]")
    await page.click("form[data-action=roles] button")
    await page.wait_for_selector("#flash-messages >> text=org@example.com now holds: member, organizer")
    organizer = await site.headers("org@example.com")
    soon, later = datetime.now(UTC) + timedelta(days=10), datetime.now(UTC) + timedelta(days=40)
    events = []
    for title, starts in [("Ridge walk", soon), ("Winter camp", later)]:
        body = {"title": title, "starts_at": starts.isoformat(), "capacity": 5, "requires_approval": True}
        created = await site.http.post("/api/events/", json=body, headers=organizer)
        assert created.status_code == 201, created.text
        event_id = created.json()["id"]
        image = {"image": ("cover.png", png(400, 300), "image/png")}
        assert (await site.http.put(f"/api/events/{event_id}/image/", files=image, headers=organizer)).is_success
        assert (await site.http.post(f"/api/events/{event_id}/publish/", headers=organizer)).is_success
        events.append(event_id)
    draft = await site.http.post(
        "/api/events/", json={"title": "Draft plan", "starts_at": soon.isoformat(), "capacity": 5}, headers=organizer
    )
    assert draft.status_code == 201

    # Filter events by status and date: the cover thumbnail shows in the list.
    await page.goto("/admin/events/list")
    await page.click("a:has-text('Published')")
    await page.fill("form[data-filter=date_to] input[name=date_to]", (soon + timedelta(days=1)).date().isoformat())
    await page.click("form[data-filter=date_to] button")
    await page.wait_for_url("**date_to=**")
    assert "status=published" in page.url
    table = page.locator("table tbody")
    assert await table.locator("text=Ridge walk").count() == 1
    assert await table.locator("text=Winter camp").count() == 0 and await table.locator("text=Draft plan").count() == 0
    thumbnail = table.locator("img[alt=cover]")
    assert await thumbnail.count() == 1
    await page.wait_for_function(
        "() => [...document.querySelectorAll('table tbody img[alt=cover]')].some(i => i.complete && i.naturalWidth > 0)"
    )
    if SCREENSHOT:
        await page.screenshot(path=SCREENSHOT, full_page=False)

    # Confirm a pending reservation: the event's metrics socket sees it.
    reserved = await site.http.post(f"/api/events/{events[0]}/reservations/", json={}, headers=ann.headers)
    assert reserved.json()["status"] == "pending"
    async with site.socket(f"/ws/events/{events[0]}/", organizer) as metrics:
        await next_frame(metrics, "metrics", pending_count=1, confirmed_count=0)
        await open_detail(page, "reservations", reserved.json()["id"])
        await page.click("form[data-action=confirm] button")
        await page.wait_for_selector("#flash-messages >> text=is confirmed")
        await next_frame(metrics, "metrics", pending_count=0, confirmed_count=1)
    await open_detail(page, "events", events[0])
    assert await page.locator("[data-section=Reservations] td:text-is('Confirmed') + td").inner_text() == "1"
    # The larger cover may still be loading when the page is ready: wait for it to be decoded.
    await page.wait_for_function(
        "() => [...document.querySelectorAll('img.img-fluid[alt=cover]')].some(i => i.complete && i.naturalWidth > 0)"
    )

    # Delete a chat message: a socket of the chat sees message_deleted.
    chat = await site.http.post("/api/chats/", json={"type": "private", "user_id": ann.id}, headers=bob.headers)
    chat_id = chat.json()["id"]
    posted = await site.http.post(
        f"/api/chats/{chat_id}/messages/", json={"text": "buy cheap boots"}, headers=bob.headers
    )
    message_id = posted.json()["id"]
    async with site.socket(f"/ws/chat/{chat_id}/", ann.headers) as chat_socket:
        await next_frame(chat_socket, "history")
        await page.goto("/admin/messages/list?search=cheap")
        await page.click(f"a[href$='/admin/messages/details/{message_id}']")
        await page.click("form[data-action=delete] button")
        await page.wait_for_selector("#flash-messages >> text=a tombstone stays")
        deleted = await next_frame(chat_socket, "message_deleted", message_id=message_id)
    assert (deleted["chat_id"], deleted["deleted_by"]) == (chat_id, 1)  # the admin, who is not in the chat

    # Deactivate a user: their open token is refused right after.
    assert (await site.http.get("/api/users/me/", headers=bob.headers)).status_code == 200
    await open_detail(page, "users", bob.id)
    await page.click("form[data-action=deactivate] button")
    await page.wait_for_selector("#flash-messages >> text=every session of the account has ended")
    refused = await site.http.get("/api/users/me/", headers=bob.headers)
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"


async def test_members_and_anonymous_visitors_are_refused_and_a_form_needs_its_csrf_token(
    page: Page, site: Site
) -> None:
    member = await site.person("ann@example.com")
    for path in ["/admin/", "/admin/users/list", "/admin/statics/css/tabler.min.css"]:
        response = await page.goto(path)
        assert response is not None and page.url.endswith("/admin/login"), path
        assert "text/html" in (await response.header_value("content-type") or "")

    await log_in(page, "ann@example.com")
    await page.wait_for_selector("#login-error")
    assert await page.locator("#login-error").get_attribute("data-code") == "admin_only"
    await page.goto("/admin/users/list")
    assert page.url.endswith("/admin/login")

    await log_in(page)
    await page.wait_for_selector("text=Users")
    await open_detail(page, "users", member.id)
    await page.locator("form[data-action=deactivate] input[name=csrf_token]").evaluate("input => input.remove()")
    async with page.expect_response(lambda r: "/act/" in r.url) as answer:
        await page.click("form[data-action=deactivate] button")
    refused = await answer.value
    assert refused.status == 403 and (await refused.json())["code"] == "csrf_failed"
    listed = await site.http.get("/api/users/me/", headers=await site.headers("ann@example.com"))
    assert listed.json()["is_active"] is True
