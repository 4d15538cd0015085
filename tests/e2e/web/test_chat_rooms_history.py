"""Rooms behind a password, scrolling back through a long history, groups, message search and
searches answered out of order, in Chromium."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.e2e.chromium import HeldAnswer
from tests.e2e.web.conftest import PASSWORD, People, Person
from tests.e2e.web.test_chat_browser import start_private_chat

pytestmark = pytest.mark.slow


async def test_a_room_with_a_password_is_joined_only_with_it(people: People) -> None:
    ann, bob = await people.open("Ann"), await people.open("Bob")
    await ann.register()
    await bob.register()
    await ann.create_room("Base camp", password="sesame")
    await ann.live()

    await bob.page.get_by_text("Rooms", exact=True).click()
    await bob.page.get_by_label("Search rooms").fill("base")
    await bob.page.get_by_role("button", name="Search", exact=True).first.click()
    await bob.page.get_by_role("button", name="Join Base camp").click()
    await bob.page.get_by_label("Password for Base camp").fill("wrong")
    await bob.page.get_by_role("button", name="Join", exact=True).click()
    await expect(bob.page.locator("#banner")).to_have_text("That password is wrong.")
    await bob.page.get_by_label("Password for Base camp").fill("sesame")
    await bob.page.get_by_role("button", name="Join", exact=True).click()
    await expect(bob.page.locator("#chat-title")).to_have_text("Base camp")
    await expect(bob.page.locator("#banner")).to_be_empty()  # the error goes once the action succeeds
    await bob.live()
    await bob.send("Made it up")
    await expect(ann.message("Made it up")).to_be_visible()
    assert ann.errors == [] and bob.errors == []


async def _post_many(base_url: str, sender: Person, chat_id: int, count: int) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        tokens = (await http.post("/api/token/", json={"email": sender.email, "password": PASSWORD})).json()
        headers = {"Authorization": f"Bearer {tokens['access']}"}
        for index in range(count):
            posted = await http.post(f"/api/chats/{chat_id}/messages/", json={"text": f"m{index:03}"}, headers=headers)
            assert posted.status_code == 201, posted.text


async def test_scrolling_up_loads_all_100_older_messages_in_order(people: People) -> None:
    ann, bob = await people.open("Ann"), await people.open("Bob")
    await ann.register()
    await bob.register()
    await start_private_chat(ann, bob)
    chat_id = int(ann.page.url.rsplit("/", 1)[1])
    await _post_many(people.site_url, bob, chat_id, 100)
    await ann.page.reload()
    await ann.live()
    articles = ann.page.locator("#messages article")
    await expect(articles.last).to_contain_text("m099")
    assert await articles.count() == 30

    for _ in range(10):
        await ann.page.locator("#messages").evaluate("box => { box.scrollTop = 0; }")
        if await ann.message("m000").count():
            break
        await ann.page.wait_for_timeout(300)
    await expect(ann.message("m000")).to_be_visible()
    texts = await ann.page.locator("#messages article .text").all_text_contents()
    assert texts == [f"m{index:03}" for index in range(100)]
    assert ann.errors == []


async def _three_with_finder_open(people: People) -> tuple[Person, Person, Person]:
    """Ann, Bob and Cat, registered; Ann's page shows the people finder."""
    ann, bob, cat = await people.open("Ann"), await people.open("Bob"), await people.open("Cat")
    for person in (ann, bob, cat):
        await person.register()
    await ann.page.get_by_text("New chat or group").click()
    return ann, bob, cat


async def test_a_group_is_created_from_people_found_and_messages_are_searched(people: People) -> None:
    ann, bob, cat = await _three_with_finder_open(people)
    page = ann.page
    for other in (bob, cat):
        await page.get_by_label("Find a person by e-mail or username").fill(other.email.upper())  # a whole address
        await page.get_by_role("button", name="Find", exact=True).click()
        # The list shows the last search until this one answers: tick the row of the person sought.
        await page.locator("#people li").filter(has_text=other.name).get_by_label("add to group").check()
    await expect(page.locator("#group-members")).to_have_text("Members: Bob, Cat")
    await page.get_by_label("New group's name").fill("Rope team")
    await page.get_by_role("button", name="Create group").click()
    await expect(page.locator("#chat-title")).to_have_text("Rope team")
    await expect(cat.page.locator(".chat-item").filter(has_text="Rope team")).to_be_visible()  # live, no reload
    await ann.live()
    await ann.send("Summit push at dawn")
    await expect(bob.page.locator(".chat-item").filter(has_text="Rope team").locator(".badge")).to_have_text("1")

    await cat.page.get_by_text("Search messages").click()
    await cat.page.get_by_label("Words in your chats").fill("summ")
    await cat.page.get_by_role("button", name="Search", exact=True).last.click()
    await cat.page.get_by_role("button", name="Ann in Rope team: Summit push at dawn").click()
    await expect(cat.page.locator("#chat-title")).to_have_text("Rope team")
    await expect(cat.message("Summit push at dawn")).to_be_visible()
    assert ann.errors == [] and bob.errors == [] and cat.errors == []


async def test_a_search_shows_the_latest_query_when_an_earlier_answer_comes_late(people: People) -> None:
    ann, bob, cat = await _three_with_finder_open(people)
    page = ann.page
    found = page.get_by_role("list", name="People found")
    late = HeldAnswer(page, "**/api/users/?search=bo*")
    await late.hold()
    await page.get_by_label("Find a person by e-mail or username").fill("bo")
    await page.get_by_role("button", name="Find", exact=True).click()
    await page.get_by_label("Find a person by e-mail or username").fill("ca")
    await page.get_by_role("button", name="Find", exact=True).click()
    await expect(found.get_by_role("button", name="Message Cat")).to_be_visible()
    await late.land()  # the answer to "bo" comes after the one to "ca"
    await expect(found.get_by_role("button", name="Message Cat")).to_be_visible()
    await expect(found.get_by_role("button", name="Message Bob")).to_have_count(0)

    await ann.create_room("Lobby")
    await ann.live()
    await ann.send("alpha route")
    await ann.send("bravo route")
    await expect(ann.message("bravo route")).to_be_visible()
    await page.get_by_text("Search messages").click()
    results = page.get_by_role("list", name="Messages found")
    late = HeldAnswer(page, "**/api/messages/search/?q=alpha*")
    await late.hold()
    await page.get_by_label("Words in your chats").fill("alpha")
    await page.get_by_role("button", name="Search", exact=True).last.click()
    await page.get_by_label("Words in your chats").fill("bravo")
    await page.get_by_role("button", name="Search", exact=True).last.click()
    await expect(results).to_contain_text("in Lobby: bravo route")
    await late.land()
    await expect(results).to_contain_text("in Lobby: bravo route")
    await expect(results).not_to_contain_text("alpha")
    assert ann.errors == [] and bob.errors == [] and cat.errors == []
