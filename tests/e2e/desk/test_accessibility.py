"""axe-core over every desk and expedition screen, filled with data: no serious or critical
violation (contrast, names of controls, labels, structure), and every action reachable by keyboard."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.e2e.chromium import serious_violations
from tests.e2e.desk.conftest import Site

pytestmark = pytest.mark.slow


async def clean(page: Page, screen: str) -> None:
    found = await serious_violations(page)
    assert found == [], f"{screen}: {found}"


async def test_no_desk_or_expedition_screen_has_a_serious_accessibility_violation(site: Site) -> None:
    olga = await site.organizer("olga@example.com")
    boss = await site.person("chief@example.com", role="chief")
    ann = await site.person("ann@example.com")
    event = (
        await site.http.post(
            "/api/events/",
            json={"title": "Night hike", "starts_at": "2030-05-01T18:00:00Z", "capacity": 5, "requires_approval": True},
            headers=olga.headers,
        )
    ).json()
    await site.http.post(f"/api/events/{event['id']}/publish/", headers=olga.headers)
    await site.http.post(f"/api/events/{event['id']}/reservations/", headers=ann.headers)
    expedition = (
        await site.http.post(
            "/api/expeditions/",
            json={"title": "Andes", "start_at": "2030-01-05T08:00:00Z", "capacity": 4},
            headers=boss.headers,
        )
    ).json()
    await site.http.post(f"/api/expeditions/{expedition['id']}/invite/", json={"user_id": ann.id}, headers=boss.headers)

    signin = await site.page()
    await signin.goto("/desk/")
    await expect(signin.get_by_role("heading", name="Log in")).to_be_visible()
    await clean(signin, "sign-in")
    # The check itself sees a missing label: take one away and axe-core names it.
    await signin.locator("label", has_text="E-mail").evaluate("(label) => label.remove()")
    assert "label" in [v["id"] for v in await serious_violations(signin)]

    desk = await site.signed_in("/desk/", olga)
    await expect(desk.get_by_role("row", name="Night hike")).to_be_visible()
    await clean(desk, "my events")
    await desk.goto("/desk/#/new")
    await expect(desk.get_by_role("heading", name="New event")).to_be_visible()
    await clean(desk, "new event")
    await desk.goto("/desk/#/check-in")
    await expect(desk.get_by_role("heading", name="Check-in", level=1)).to_be_visible()
    await clean(desk, "check-in")
    await desk.goto(f"/desk/#/events/{event['id']}")
    await expect(desk.locator("[data-metric=pending_count]")).to_have_text("1")
    await desk.get_by_text("Edit the event").click()
    await clean(desk, "event page")

    # Keyboard only: from the reservations' filter, Tab reaches the Confirm button and Enter presses it.
    await desk.get_by_label("Show").focus()
    for _ in range(6):
        await desk.keyboard.press("Tab")
        if await desk.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Confirm Ann":
            break
    await desk.keyboard.press("Enter")
    await expect(desk.locator("[data-metric=confirmed_count]")).to_have_text("1")

    chief = await site.signed_in("/expeditions/", boss)
    await expect(chief.get_by_role("row", name="Andes")).to_be_visible()
    await clean(chief, "my expeditions (chief)")
    await chief.get_by_role("link", name="Andes").focus()
    await chief.keyboard.press("Enter")  # a link, reached and followed by keyboard
    await expect(chief.get_by_role("heading", name="Andes", level=1)).to_be_visible()
    await clean(chief, "expedition (chief)")

    member = await site.signed_in("/expeditions/", ann)
    await expect(member.get_by_role("button", name="Confirm Andes")).to_be_visible()
    await clean(member, "my expeditions (invited member)")
    await member.get_by_role("link", name="Andes").click()
    await expect(member.get_by_role("button", name="Decline Andes")).to_be_visible()
    await clean(member, "expedition (invited member)")

    # A member on the desk is told who runs events there; Log out brings the sign-in back.
    await member.goto("/desk/")
    await expect(member.get_by_text("Only organizers run events here")).to_be_visible()
    await clean(member, "desk (member)")
    await member.get_by_role("button", name="Log out").click()
    await expect(member.get_by_role("heading", name="Log in")).to_be_visible()
    assert await member.evaluate("() => localStorage.getItem('muster.tokens')") is None
