"""The organizer desk in Chromium: an organizer creates, edits, publishes and covers an event; a
member reserves; the organizer confirms and checks the ticket in by its typed secret while the
event's live figures move on the page; a cancelled event is shown as such (also on a phone); while the server
restarts the figures say "reconnecting…" and are marked stale, then catch up; an expired access
token is refreshed once and the action goes through."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.async_api import Page, expect

from app.settings import Settings
from tests.conftest import LiveServer, live_server
from tests.e2e.chromium import tokens, until_expired
from tests.e2e.desk.conftest import Site, stop

pytestmark = pytest.mark.slow
SCREENSHOT = Path(__file__).parents[3] / "docs" / "web-desk.png"


async def figure(page: Page, key: str) -> str:
    return await page.locator(f"[data-metric={key}]").inner_text()


def png(path: Path) -> Path:
    image = Image.new("RGB", (320, 200), (40, 110, 190))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


async def test_an_organizer_runs_an_event_from_creation_to_check_in(site: Site, tmp_path: Path) -> None:
    olga = await site.organizer("olga@example.com")
    ann = await site.person("ann@example.com")
    desk = await site.signed_in("/desk/", olga)
    await expect(desk.get_by_role("heading", name="My events")).to_be_visible()

    await desk.get_by_role("link", name="New event").click()
    await desk.get_by_label("Title").fill("Night hike")
    await desk.get_by_label("Starts at (your local time)").fill("2030-05-01T18:00")
    await desk.get_by_label("Location").fill("Zakopane")
    await desk.get_by_label("Capacity").fill("2")
    await desk.get_by_label("Reservations need my approval").check()
    await desk.get_by_role("button", name="Create event").click()
    await expect(desk.get_by_role("heading", name="Night hike", level=1)).to_be_visible()
    await expect(desk.locator("[data-event-status]")).to_have_text("draft")
    event_id = int(desk.url.rsplit("/", 1)[1])

    # Edit, then publish; the figures are live from the first snapshot on.
    await desk.get_by_text("Edit the event").click()
    await desk.locator("details.editor").get_by_label("Title").fill("Night hike on Giewont")
    await desk.get_by_role("button", name="Save changes").click()
    await expect(desk.get_by_role("heading", name="Night hike on Giewont", level=1)).to_be_visible()
    await desk.get_by_role("button", name="Publish").click()
    await expect(desk.locator("[data-event-status]")).to_have_text("published")
    await expect(desk.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    await expect(desk.locator("[data-metric=spots_left]")).to_have_text("2")

    # A cover: the thumbnail the server made shows on the page.
    await desk.get_by_label("Cover image").set_input_files(str(png(tmp_path / "cover.png")))
    await desk.get_by_role("button", name="Upload the cover").click()
    await expect(desk.get_by_role("img", name="Cover of Night hike on Giewont")).to_be_visible()

    # Ann reserves (through the API): pending, live on the organizer's page, figures and list.
    reserved = await site.http.post(f"/api/events/{event_id}/reservations/", headers=ann.headers)
    assert reserved.status_code == 201, reserved.text
    assert reserved.json()["status"] == "pending"
    await expect(desk.locator("[data-metric=pending_count]")).to_have_text("1")
    await expect(desk.get_by_role("button", name="Confirm Ann")).to_be_visible()

    await desk.get_by_role("button", name="Confirm Ann").click()
    await expect(desk.get_by_text("Ann: confirmed.")).to_be_visible()
    await expect(desk.locator("[data-metric=confirmed_count]")).to_have_text("1")
    await expect(desk.locator("[data-metric=pending_count]")).to_have_text("0")
    await expect(desk.locator("[data-metric=spots_left]")).to_have_text("1")

    # At the door: Ann's secret typed in, admitted; again, refused with the first time; forged, invalid.
    mine = await site.http.get("/api/reservations/", headers=ann.headers)
    secret = mine.json()["results"][0]["ticket_secret"]
    verdict = desk.locator(".verdict")
    await desk.get_by_label("Ticket secret").fill(secret)
    await desk.get_by_role("button", name="Check in", exact=True).click()
    await expect(verdict).to_have_text("Admitted: Ann (ann@example.com), Night hike on Giewont.")
    await expect(desk.locator("[data-metric=checked_in_count]")).to_have_text("1")
    await expect(desk.get_by_role("row", name="Ann")).to_contain_text("checked in")
    await desk.get_by_label("Ticket secret").fill(secret)
    await desk.get_by_label("Ticket secret").press("Enter")
    await expect(verdict).to_have_attribute("data-verdict", "repeat")
    await expect(verdict).to_contain_text("Already checked in at ")
    await desk.get_by_label("Ticket secret").fill(secret[:-4] + "AAAA")
    await desk.get_by_label("Ticket secret").press("Enter")
    await expect(verdict).to_have_text("Invalid ticket.")
    assert await figure(desk, "checked_in_count") == "1"

    # Bob asks too: his pending reservation waits for a decision on the list, live.
    bob = await site.person("bob@example.com")
    await site.http.post(f"/api/events/{event_id}/reservations/", headers=bob.headers)
    await expect(desk.get_by_role("button", name="Reject Bob")).to_be_visible()
    await expect(desk.locator("[data-metric=pending_count]")).to_have_text("1")
    await expect(desk.get_by_role("heading", name="Check-in: Night hike on Giewont")).to_be_visible()
    if os.environ.get("MUSTER_DESK_SCREENSHOT"):
        await desk.screenshot(path=str(SCREENSHOT), full_page=True)

    # Back on the list: the event with its counts.
    await desk.get_by_role("link", name="← My events").click()
    row = desk.get_by_role("row", name="Night hike on Giewont")
    await expect(row).to_contain_text("published")
    await expect(row).to_contain_text("1 / 2")


async def test_the_desk_cancels_an_event_and_says_why_a_change_is_refused(site: Site) -> None:
    olga = await site.organizer("olga@example.com")
    created = await site.http.post(
        "/api/events/",
        json={"title": "River day", "starts_at": "2030-06-01T09:00:00Z", "capacity": 1},
        headers=olga.headers,
    )
    event_id = created.json()["id"]
    ann = await site.person("ann@example.com")
    await site.http.post(f"/api/events/{event_id}/publish/", headers=olga.headers)
    await site.http.post(f"/api/events/{event_id}/reservations/", headers=ann.headers)

    desk = await site.signed_in(f"/desk/#/events/{event_id}", olga)
    await expect(desk.locator("[data-metric=confirmed_count]")).to_have_text("1")
    await desk.get_by_text("Edit the event").click()
    await desk.locator("details.editor").get_by_label("Capacity").fill("0")
    await desk.locator("details.editor").get_by_label("Capacity").evaluate("(input) => input.removeAttribute('min')")
    await desk.get_by_role("button", name="Save changes").click()
    await expect(desk.locator("details.editor [role=status]")).to_contain_text("Check the form")

    desk.once("dialog", lambda dialog: dialog.accept())
    await desk.get_by_role("button", name="Cancel the event").click()
    await expect(desk.locator("[data-event-status]")).to_have_text("cancelled")
    await expect(desk.locator("[data-event-notice]")).to_have_text("The event is cancelled.")
    await expect(desk.get_by_role("button", name="Publish")).to_have_count(0)
    await expect(desk.locator("[data-metric=confirmed_count]")).to_have_text("0")

    # On a 390 px phone the page does not scroll sideways (wide tables scroll inside their box).
    phone = await site.signed_in(f"/desk/#/events/{event_id}", olga, width=390)
    await expect(phone.locator("[data-event-status]")).to_have_text("cancelled")
    for screen in (f"#/events/{event_id}", "#/", "#/check-in"):
        await phone.goto(f"/desk/{screen}")
        await phone.get_by_role("heading", level=1).first.wait_for()
        assert await phone.evaluate("() => document.documentElement.scrollWidth") <= 390, screen


async def test_the_figures_say_reconnecting_while_the_server_restarts_and_catch_up_after(
    site: Site, server: tuple[LiveServer, Settings], tmp_path: Path
) -> None:
    olga = await site.organizer("olga@example.com")
    ann, bob = await site.person("ann@example.com"), await site.person("bob@example.com")
    body = {"title": "Night hike", "starts_at": "2030-05-01T18:00:00Z", "capacity": 5}
    event_id = (await site.http.post("/api/events/", json=body, headers=olga.headers)).json()["id"]
    await site.http.post(f"/api/events/{event_id}/publish/", headers=olga.headers)
    await site.http.post(f"/api/events/{event_id}/reservations/", headers=ann.headers)
    desk = await site.signed_in(f"/desk/#/events/{event_id}", olga)
    panel, state = desk.locator(".metrics-panel"), desk.locator("[data-live-state]")
    await expect(state).to_have_attribute("data-live-state", "live")
    await expect(desk.locator("[data-metric=confirmed_count]")).to_have_text("1")
    await expect(panel).not_to_have_class(re.compile("stale"))

    running, settings = server
    port = stop(running)
    await expect(state).to_have_attribute("data-live-state", "reconnecting")
    await expect(state).to_have_text("Reconnecting… the figures below are the last known ones.")
    await expect(panel).to_have_class(re.compile("stale"))
    await expect(panel).to_have_attribute("aria-busy", "true")

    with live_server(settings, port=port, env={"MEDIA_ROOT": str(tmp_path / "media")}):
        reserved = await site.http.post(f"/api/events/{event_id}/reservations/", headers=bob.headers)
        assert reserved.status_code == 201, reserved.text
        await expect(state).to_have_attribute("data-live-state", "live", timeout=45_000)
        await expect(desk.locator("[data-metric=confirmed_count]")).to_have_text("2")
        await expect(panel).not_to_have_class(re.compile("stale"))
        await desk.context.close()  # before this server stops too
    # The browser reported each refused reconnection attempt while the server was down.
    site.problems[:] = [p for p in site.problems if "WebSocket connection to" not in p]


async def test_an_expired_access_token_is_refreshed_once_and_the_action_goes_through(
    site: Site, server: tuple[LiveServer, Settings], tmp_path: Path
) -> None:
    running, settings = server
    port = stop(running)  # and again with access tokens that last two seconds
    env = {"MEDIA_ROOT": str(tmp_path / "media"), "ACCESS_TOKEN_TTL_S": "2"}
    refresh = "/api/token/refresh/"
    answers: list[tuple[str, int]] = []  # (path, status) of every answer the desk gets from here on
    with live_server(settings, port=port, env=env):
        olga = await site.organizer("olga@example.com")
        body = {"title": "Night hike", "starts_at": "2030-05-01T18:00:00Z", "capacity": 5}
        event_id = (await site.http.post("/api/events/", json=body, headers=olga.headers)).json()["id"]
        publish = f"/api/events/{event_id}/publish/"
        desk = await site.signed_in(f"/desk/#/events/{event_id}", olga)
        panel, state = desk.locator(".metrics-panel"), desk.locator("[data-live-state]")
        await expect(desk.locator("[data-event-status]")).to_have_text("draft")
        await expect(state).to_have_attribute("data-live-state", "live")  # only once the server let it in
        await expect(panel).not_to_have_class(re.compile("stale"))
        desk.on("response", lambda answer: answers.append((urlsplit(answer.url).path, answer.status)))
        first = await tokens(desk)
        await until_expired(first["access"])
        await desk.get_by_role("button", name="Publish").click()
        await expect(desk.locator("[data-event-status]")).to_have_text("published")
        # Refused as expired, one refresh, the same call again: it goes through.
        assert [a for a in answers if a[0] in {publish, refresh}] == [(publish, 401), (refresh, 200), (publish, 200)]
        renewed = await tokens(desk)
        assert renewed["access"] != first["access"] and renewed["refresh"] != first["refresh"]
        await expect(state).to_have_attribute("data-live-state", "live")
    # The socket reconnects with an access token that ran out meanwhile: refused (4401), the page
    # refreshes the pair once and the socket is let in again, with current figures.
    await expect(state).to_have_attribute("data-live-state", "reconnecting")
    await expect(panel).to_have_class(re.compile("stale"))
    await until_expired(renewed["access"])
    answers.clear()
    with live_server(settings, port=port, env=env):
        await expect(panel).not_to_have_class(re.compile("stale"), timeout=45_000)
        await expect(state).to_have_attribute("data-live-state", "live")
        await expect(desk.locator("[data-metric=spots_left]")).to_have_text("5")
        assert [a for a in answers if a[0] == refresh] == [(refresh, 200)]
        latest = await tokens(desk)
        assert latest["access"] != renewed["access"] and latest["refresh"] != renewed["refresh"]
        await desk.context.close()
    site.problems[:] = [p for p in site.problems if "WebSocket connection to" not in p]
