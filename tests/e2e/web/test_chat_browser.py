"""Two people chatting in Chromium: registering, finding each other, a private chat live both
ways, edits and deletes seen live, unread badges, a shared address per chat."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Route, expect

from tests.e2e.web.conftest import People, Person

pytestmark = pytest.mark.slow


async def start_private_chat(ann: Person, bob: Person) -> None:
    """Ann finds Bob by the start of his username and opens their chat."""
    page = ann.page
    await page.get_by_text("New chat or group").click()
    await page.get_by_label("Find a person by e-mail or username").fill(bob.name.lower()[:2])
    await page.get_by_role("button", name="Find", exact=True).click()
    await page.get_by_role("button", name=f"Message {bob.name}").click()
    await expect(page).to_have_url(re.compile(r"/#/chat/\d+$"))
    await expect(page.locator("#chat-title")).to_have_text(bob.name)
    await ann.live()


async def test_two_people_find_each_other_and_chat_live_both_ways(people: People) -> None:
    ann, bob = await people.open("Ann"), await people.open("Bob")
    await ann.register()
    await bob.register()

    await start_private_chat(ann, bob)
    chat_item = bob.page.locator(".chat-item").filter(has_text="Ann")
    await expect(chat_item).to_be_visible()  # the new chat appears on Bob's page without a reload

    await ann.send("Hello Bob, see https://example.com/plan?x=1.")
    await expect(chat_item.locator(".badge")).to_have_text("1")  # the unread badge rises live
    await ann.send("javascript:alert(1) <b>not bold</b>")
    await expect(chat_item.locator(".badge")).to_have_text("2")

    await chat_item.click()
    await bob.live()
    await expect(bob.message("Hello Bob")).to_be_visible()
    await expect(chat_item.locator(".badge")).to_have_count(0)  # and clears once read
    link = bob.message("Hello Bob").get_by_role("link")
    assert await link.get_attribute("href") == "https://example.com/plan?x=1"
    await expect(bob.message("not bold").get_by_role("link")).to_have_count(0)
    await expect(bob.message("not bold").locator("b")).to_have_count(0)  # text stays text
    await expect(bob.message("Hello Bob").locator("time")).to_have_attribute("datetime", re.compile(r"Z$"))

    await bob.send("Hi Ann!")
    await expect(ann.message("Hi Ann!")).to_be_visible()

    # Ann edits and then deletes her first message; Bob sees both live.
    first = ann.message("Hello Bob")
    await first.hover()
    await first.get_by_role("button", name="Edit").click()
    await ann.page.get_by_label("Message", exact=True).fill("Hello Bob, the plan changed")
    await ann.page.get_by_label("Message", exact=True).press("Enter")
    await expect(bob.message("the plan changed")).to_contain_text("edited")
    edited = ann.message("the plan changed")
    await edited.hover()
    await edited.get_by_role("button", name="Delete").click()
    await edited.get_by_role("button", name="Really delete?").click()
    await expect(bob.page.locator("#messages article").filter(has_text="message deleted")).to_have_count(1)
    await expect(bob.message("the plan changed")).to_have_count(0)

    # Bob's address names the chat: a reload comes back to it.
    address = bob.page.url
    await bob.page.reload()
    await expect(bob.page.locator("#chat-title")).to_have_text("Ann")
    assert bob.page.url == address
    await expect(bob.message("Hi Ann!")).to_be_visible()
    assert ann.errors == [] and bob.errors == []


async def test_the_badge_rises_for_a_message_sent_while_the_list_is_on_its_way(people: People) -> None:
    ann, bob = await people.open("Ann"), await people.open("Bob")
    await ann.register()
    await bob.register()
    await expect(bob.page.locator("#list-state")).to_have_attribute("data-state", "live")
    fetched = 0

    async def late(route: Route) -> None:
        # The list fetch the new chat calls for is answered at once and reaches Bob 3 s later.
        nonlocal fetched
        answer = await route.fetch()
        fetched += 1
        if fetched == 1:
            await asyncio.sleep(3)
        await route.fulfill(response=answer)

    await bob.page.route("**/api/chats/?limit=100", late)
    await start_private_chat(ann, bob)
    await ann.send("Are you there?")
    await expect(bob.page.locator(".chat-item").filter(has_text="Ann").locator(".badge")).to_have_text("1")
    assert ann.errors == [] and bob.errors == []


async def test_a_reply_a_pin_and_a_forward_are_seen_live(people: People) -> None:
    ann, bob = await people.open("Ann"), await people.open("Bob")
    await ann.register()
    await bob.register()
    await ann.create_room("Lobby")
    await start_private_chat(ann, bob)
    await ann.send("Original plan")
    await bob.page.locator(".chat-item").filter(has_text="Ann").click()
    await bob.live()

    original = bob.message("Original plan")
    await original.hover()
    await original.get_by_role("button", name="Reply").click()
    await expect(bob.page.locator("#draft-text")).to_have_text("Replying to ann: Original plan")
    await bob.send("Agreed")
    await expect(ann.message("Agreed").locator(".quote")).to_have_text("↪ Reply to ann: Original plan")

    await original.hover()
    await original.get_by_role("button", name="Pin").click()
    await expect(ann.message("Original plan").locator(".flags")).to_contain_text("pinned")
    await ann.page.get_by_role("button", name="Pinned").click()
    await expect(ann.page.locator("#pins")).to_contain_text("Original plan")

    mine = ann.message("Original plan")
    await mine.hover()
    await mine.get_by_role("button", name="Forward").click()
    await ann.page.locator("#forward-dialog").get_by_role("button", name="Lobby").click()
    await expect(ann.page.locator("#banner")).to_have_text("Message forwarded.")
    await ann.page.locator(".chat-item").filter(has_text="Lobby").click()
    await expect(ann.message("Original plan").locator(".flags")).to_contain_text("forwarded")
    assert ann.errors == [] and bob.errors == []


async def test_logging_out_in_one_tab_signs_every_tab_out(people: People) -> None:
    ann = await people.open("Ann")
    await ann.register()
    other_tab = await ann.context.new_page()
    await other_tab.goto(people.site_url + "/")
    await expect(other_tab.locator("#app")).to_be_visible()  # the same session, from localStorage
    await expect(ann.page.locator("#nav")).to_contain_text("Ann (@ann)")

    async with ann.page.expect_navigation():  # the page loads again, signed out
        await ann.page.get_by_role("button", name="Log out").click()

    await expect(ann.page.get_by_role("heading", name="Log in to Muster")).to_be_visible()
    await expect(other_tab.get_by_role("heading", name="Log in to Muster")).to_be_visible()
    assert await ann.page.evaluate("localStorage.getItem('muster.tokens')") is None
    await ann.log_in()
    await expect(ann.page.locator("#chats")).to_contain_text("No chats yet")
    assert ann.errors == []
