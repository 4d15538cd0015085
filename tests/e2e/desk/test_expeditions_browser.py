"""Expeditions in Chromium (also on a 390 px phone), three people in three browser contexts: the
chief creates an expedition and invites two members, is told in words why it cannot start yet, the
members confirm in their own browsers, and everyone sees the invitations, answers and status
changes live, without reloading; a slow answer to an earlier people search never replaces a later one."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.e2e.chromium import HeldAnswer
from tests.e2e.desk.conftest import Site

pytestmark = pytest.mark.slow


async def invite(chief: Page, who: str, name: str) -> None:
    await chief.get_by_label("E-mail, username or user id").fill(who)
    await chief.get_by_role("button", name="Find and invite").click()
    await expect(chief.locator("[data-expedition-notice]")).to_have_text(f"{name} is invited.")


async def test_an_expedition_goes_from_draft_to_active_with_two_members(site: Site) -> None:
    boss = await site.person("chief@example.com", role="chief")
    ann = await site.person("ann@example.com")
    bob = await site.person("bob@example.com")
    chief = await site.signed_in("/expeditions/", boss)
    await expect(chief.get_by_role("heading", name="My expeditions")).to_be_visible()

    await chief.get_by_label("Title").fill("Arctic crossing")
    await chief.get_by_label("Starts at (your local time)").fill("2026-01-05T08:00")
    await chief.get_by_label("Capacity (places)").fill("3")
    await chief.get_by_role("button", name="Create expedition").click()
    await expect(chief.get_by_role("heading", name="Arctic crossing", level=1)).to_be_visible()
    status = chief.locator("[data-expedition-status]")
    await expect(status).to_have_text("draft")

    # Ann's page is open before she is invited: the invitation appears there live.
    first = await site.signed_in("/expeditions/", ann)
    await expect(first.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    await invite(chief, str(ann.id), "Ann")
    await invite(chief, str(bob.id), "Bob")
    await expect(first.get_by_role("row", name="Arctic crossing")).to_contain_text("invited")

    # The chief moves on and is told, in words, what is missing.
    await chief.get_by_role("button", name="Mark as ready").click()
    await expect(status).to_have_text("ready")
    await chief.get_by_role("button", name="Start (make active)").click()
    notice = chief.locator("[data-expedition-notice]")
    await expect(notice).to_have_text("At least 2 members must have confirmed before it can start (0 so far).")
    await expect(status).to_have_text("ready")

    # Each member confirms in their own browser; the chief's page follows live.
    await first.get_by_role("button", name="Confirm Arctic crossing").click()
    await expect(first.get_by_role("row", name="Arctic crossing")).to_contain_text("confirmed")
    await expect(chief.locator(f"[data-member='{ann.id}']")).to_contain_text("confirmed")
    await chief.get_by_role("button", name="Start (make active)").click()
    await expect(notice).to_have_text("At least 2 members must have confirmed before it can start (1 so far).")

    second = await site.signed_in("/expeditions/", bob)
    await second.get_by_role("link", name="Arctic crossing").click()
    await second.get_by_role("button", name="Confirm Arctic crossing").click()
    await expect(second.locator("[data-expedition-notice]")).to_have_text("You are in: Arctic crossing.")
    await expect(chief.locator(f"[data-member='{bob.id}']")).to_contain_text("confirmed")
    await expect(chief.locator("[data-confirmed]")).to_have_text("2 of 3 places")

    await chief.get_by_role("button", name="Start (make active)").click()
    await expect(notice).to_have_text("The expedition is now active.")
    await expect(status).to_have_text("active")
    await expect(chief.get_by_role("button", name="Finish")).to_be_visible()
    # The members' pages, a list and a detail, show the new status without a reload.
    await expect(first.get_by_role("row", name="Arctic crossing")).to_contain_text("active")
    await expect(second.locator("[data-expedition-status]")).to_have_text("active")


async def test_a_declined_invitation_and_a_busy_member_are_said_in_words(site: Site) -> None:
    boss = await site.person("chief@example.com", role="chief")
    ann, bob, cid = [await site.person(f"{n}@example.com") for n in ("ann", "bob", "cid")]
    body = {"start_at": "2026-01-05T08:00:00Z", "capacity": 5}
    busy, other = [
        (await site.http.post("/api/expeditions/", json={"title": t, **body}, headers=boss.headers)).json()["id"]
        for t in ("Andes", "Alps")
    ]
    for expedition, members in ((busy, (ann, bob)), (other, (ann, bob, cid))):
        for member in members:
            await site.http.post(
                f"/api/expeditions/{expedition}/invite/", json={"user_id": member.id}, headers=boss.headers
            )
    for member in (ann, bob):
        for expedition in (busy, other):
            await site.http.post(f"/api/expeditions/{expedition}/confirm/", headers=member.headers)
    for target in ("ready", "active"):
        moved = await site.http.post(f"/api/expeditions/{busy}/status/", json={"status": target}, headers=boss.headers)
        assert moved.status_code == 200, moved.text
    await site.http.post(f"/api/expeditions/{other}/status/", json={"status": "ready"}, headers=boss.headers)

    chief = await site.signed_in(f"/expeditions/#/{other}", boss)
    await chief.get_by_role("button", name="Start (make active)").click()
    await expect(chief.locator("[data-expedition-notice]")).to_have_text("Ann is already on another active expedition.")

    answering = await site.signed_in("/expeditions/", cid, width=390)  # on a phone: nothing scrolls sideways
    await expect(answering.get_by_role("row", name="Alps")).to_be_visible()
    assert await answering.evaluate("() => document.documentElement.scrollWidth") <= 390
    await answering.get_by_role("button", name="Decline Alps").click()
    await expect(answering.get_by_role("row", name="Alps")).to_have_count(0)
    await expect(chief.locator(f"[data-member='{cid.id}']")).to_contain_text("declined")
    await chief.get_by_label("E-mail, username or user id").fill(str(ann.id))
    await chief.get_by_role("button", name="Find and invite").click()
    await expect(chief.locator("[data-expedition-notice]")).to_have_text("This person is invited already.")
    await chief.get_by_label("E-mail, username or user id").fill("nobody@example.com")
    await chief.get_by_role("button", name="Find and invite").click()
    # Without the people search on the server the page asks for a user id; with it, nobody is found.
    await expect(chief.locator("[data-expedition-notice]")).to_have_text(
        re.compile(r"^(Nobody found for “nobody@example.com”\.|This server cannot search people yet: .*)$")
    )


async def test_the_invite_form_shows_the_latest_search_when_an_earlier_answer_comes_late(site: Site) -> None:
    boss = await site.person("chief@example.com", role="chief")
    await site.person("ann@example.com")
    await site.person("bob@example.com")
    body = {"title": "Andes", "start_at": "2026-01-05T08:00:00Z", "capacity": 5}
    expedition = (await site.http.post("/api/expeditions/", json=body, headers=boss.headers)).json()["id"]
    chief = await site.signed_in(f"/expeditions/#/{expedition}", boss)
    late = HeldAnswer(chief, "**/api/users/?search=ann*")
    await late.hold()
    await chief.get_by_label("E-mail, username or user id").fill("ann@example.com")
    await chief.get_by_role("button", name="Find and invite").click()
    await chief.get_by_label("E-mail, username or user id").fill("bob@example.com")
    await chief.get_by_role("button", name="Find and invite").click()
    found = chief.get_by_role("list", name="People found")
    await expect(found.get_by_role("button", name="Invite Bob")).to_be_visible()
    await late.land()  # the answer for Ann comes after Bob's
    await expect(found.get_by_role("button", name="Invite Bob")).to_be_visible()
    await expect(found.get_by_role("button", name="Invite Ann")).to_have_count(0)
    await expect(chief.locator("[data-expedition-notice]")).to_have_text("1 found: pick whom to invite.")
