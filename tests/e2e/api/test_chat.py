"""Chat over HTTP, on SQLite and on PostgreSQL: every endpoint and each refusal code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

Headers = dict[str, str]


async def _people(api: Api, *names: str) -> list[tuple[dict[str, Any], Headers]]:
    return [await api.user(f"{name}@example.com") for name in names]


async def _chat(api: Api, headers: Headers, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = await api.client.post("/api/chats/", json=body, headers=headers)
    assert response.status_code == status, response.text
    return dict(response.json())


async def _post(api: Api, headers: Headers, chat_id: int, text: str, status: int = 201) -> dict[str, Any]:
    response = await api.client.post(f"/api/chats/{chat_id}/messages/", json={"text": text}, headers=headers)
    assert response.status_code == status, response.text
    return dict(response.json())


def _code(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    return str(response.json()["code"])


async def test_private_chat_is_one_per_pair_whoever_opens_it(api: Api) -> None:
    (ann, ann_h), (bob, bob_h) = await _people(api, "ann", "bob")
    first = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    again = await _chat(api, bob_h, {"type": "private", "user_id": ann["id"]}, status=200)
    assert first["id"] == again["id"] and first["type"] == "private"
    detail = (await api.client.get(f"/api/chats/{first['id']}/", headers=bob_h)).json()
    assert sorted(m["user_id"] for m in detail["members"]) == sorted([ann["id"], bob["id"]])


async def test_chat_list_names_the_other_user_of_each_private_chat(api: Api) -> None:
    (ann, ann_h), (bob, bob_h), _ = await _people(api, "ann", "bob", "cat")
    private = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    group = await _chat(api, ann_h, {"type": "group", "title": "Team", "member_ids": [bob["id"]]})

    listed = {chat["id"]: chat for chat in (await api.client.get("/api/chats/", headers=bob_h)).json()["results"]}

    assert listed[private["id"]]["peer"] == {"id": ann["id"], "name": "ann"}
    assert listed[group["id"]]["peer"] is None and listed[group["id"]]["title"] == "Team"
    mine = (await api.client.get("/api/chats/", headers=ann_h)).json()["results"]
    assert [chat["peer"] for chat in mine if chat["type"] == "private"] == [{"id": bob["id"], "name": "bob"}]


async def test_private_chat_refusals(api: Api) -> None:
    (ann, ann_h), (_bob, _) = await _people(api, "ann", "bob")
    self_chat = await api.client.post("/api/chats/", json={"type": "private", "user_id": ann["id"]}, headers=ann_h)
    assert _code(self_chat, 400) == "chat_with_self"
    nobody = await api.client.post("/api/chats/", json={"type": "private", "user_id": 9999}, headers=ann_h)
    assert _code(nobody, 404) == "user_not_found"
    no_type = await api.client.post("/api/chats/", json={"user_id": 2}, headers=ann_h)
    assert _code(no_type, 400) == "validation_error"
    anonymous = await api.client.post("/api/chats/", json={"type": "private", "user_id": 2})
    assert anonymous.status_code == 401


async def test_send_edit_delete_and_history_walkthrough(api: Api) -> None:
    (ann, ann_h), (bob, bob_h), (_eve, eve_h) = await _people(api, "ann", "bob", "eve")
    chat = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    hello = await _post(api, ann_h, chat["id"], "  hello bob ")
    assert hello["text"] == "hello bob" and hello["sender_id"] == ann["id"] and hello["deleted"] is False

    outsider = await api.client.post(f"/api/chats/{chat['id']}/messages/", json={"text": "hi"}, headers=eve_h)
    assert _code(outsider, 404) == "chat_not_found"
    blank = await api.client.post(f"/api/chats/{chat['id']}/messages/", json={"text": "   "}, headers=ann_h)
    assert _code(blank, 400) == "empty_message"
    too_long = await api.client.post(f"/api/chats/{chat['id']}/messages/", json={"text": "x" * 4001}, headers=ann_h)
    assert too_long.status_code == 400

    not_author = await api.client.patch(f"/api/messages/{hello['id']}/", json={"text": "hacked"}, headers=bob_h)
    assert _code(not_author, 403) == "not_message_author"
    edited = await api.client.patch(f"/api/messages/{hello['id']}/", json={"text": "hello, Bob"}, headers=ann_h)
    assert edited.status_code == 200 and edited.json()["text"] == "hello, Bob" and edited.json()["edited_at"]

    cannot = await api.client.delete(f"/api/messages/{hello['id']}/", headers=bob_h)
    assert _code(cannot, 403) == "cannot_delete_message"
    hidden = await api.client.delete(f"/api/messages/{hello['id']}/", headers=eve_h)
    assert _code(hidden, 404) == "message_not_found"
    assert (await api.client.delete(f"/api/messages/{hello['id']}/", headers=ann_h)).status_code == 204
    history = (await api.client.get(f"/api/chats/{chat['id']}/messages/", headers=bob_h)).json()
    assert history["results"][0]["deleted"] is True and history["results"][0]["text"] is None
    after = await api.client.patch(f"/api/messages/{hello['id']}/", json={"text": "again"}, headers=ann_h)
    assert _code(after, 409) == "message_deleted"
    missing = await api.client.patch("/api/messages/99999/", json={"text": "x"}, headers=ann_h)
    assert _code(missing, 404) == "message_not_found"


async def test_history_pages_by_cursor_newest_first(api: Api) -> None:
    (_ann, ann_h), (bob, _) = await _people(api, "ann", "bob")
    chat = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    ids = [(await _post(api, ann_h, chat["id"], f"m{i}"))["id"] for i in range(7)]
    url = f"/api/chats/{chat['id']}/messages/"
    first = (await api.client.get(url, params={"limit": 3}, headers=ann_h)).json()
    assert [m["id"] for m in first["results"]] == ids[::-1][:3] and first["next_before"] == ids[4]
    second = (await api.client.get(url, params={"limit": 3, "before": first["next_before"]}, headers=ann_h)).json()
    assert [m["id"] for m in second["results"]] == [ids[3], ids[2], ids[1]]
    last = (await api.client.get(url, params={"limit": 3, "before": second["next_before"]}, headers=ann_h)).json()
    assert [m["id"] for m in last["results"]] == [ids[0]] and last["next_before"] is None
    exact = (await api.client.get(url, params={"limit": 7}, headers=ann_h)).json()
    assert len(exact["results"]) == 7 and exact["next_before"] is None
    empty = (await api.client.get(url, params={"before": ids[0]}, headers=ann_h)).json()
    assert empty == {"results": [], "next_before": None}
    assert (await api.client.get(url, params={"limit": 0}, headers=ann_h)).status_code == 400
    assert (await api.client.get(url, params={"limit": 101}, headers=ann_h)).status_code == 400
    assert (await api.client.get(url, params={"before": "x"}, headers=ann_h)).status_code == 400


async def test_group_members_admins_and_leaving(api: Api) -> None:
    (ann, ann_h), (bob, bob_h), (cat, cat_h), (dan, _) = await _people(api, "ann", "bob", "cat", "dan")
    group = await _chat(api, ann_h, {"type": "group", "title": "Climbers", "member_ids": [bob["id"]]})
    members_url = f"/api/chats/{group['id']}/members/"

    by_member = await api.client.post(members_url, json={"user_id": cat["id"]}, headers=bob_h)
    assert _code(by_member, 403) == "not_chat_admin"
    added = await api.client.post(members_url, json={"user_id": cat["id"]}, headers=ann_h)
    assert added.status_code == 201 and added.json()["user_id"] == cat["id"]
    twice = await api.client.post(members_url, json={"user_id": cat["id"]}, headers=ann_h)
    assert _code(twice, 409) == "already_member"
    ghost = await api.client.post(members_url, json={"user_id": 9999}, headers=ann_h)
    assert _code(ghost, 404) == "user_not_found"

    kick_by_member = await api.client.delete(f"{members_url}{cat['id']}/", headers=bob_h)
    assert _code(kick_by_member, 403) == "not_chat_admin"
    not_in = await api.client.delete(f"{members_url}{dan['id']}/", headers=ann_h)
    assert _code(not_in, 404) == "user_not_found"
    assert (await api.client.delete(f"{members_url}{cat['id']}/", headers=ann_h)).status_code == 204
    gone = await api.client.get(f"/api/chats/{group['id']}/", headers=cat_h)
    assert _code(gone, 404) == "chat_not_found"

    assert (await api.client.delete(f"{members_url}{ann['id']}/", headers=ann_h)).status_code == 204
    detail = (await api.client.get(f"/api/chats/{group['id']}/", headers=bob_h)).json()
    assert [(m["user_id"], m["is_admin"]) for m in detail["members"]] == [(bob["id"], True)]

    private = await _chat(api, bob_h, {"type": "private", "user_id": cat["id"]})
    to_private = await api.client.post(
        f"/api/chats/{private['id']}/members/", json={"user_id": ann["id"]}, headers=bob_h
    )
    assert _code(to_private, 409) == "not_a_group"
    leave_private = await api.client.delete(f"/api/chats/{private['id']}/members/{bob['id']}/", headers=bob_h)
    assert _code(leave_private, 409) == "cannot_leave_private_chat"


async def test_group_refusals_on_create(api: Api) -> None:
    ((_ann, ann_h),) = await _people(api, "ann")
    no_title = await api.client.post(
        "/api/chats/", json={"type": "group", "title": "", "member_ids": []}, headers=ann_h
    )
    assert no_title.status_code == 400
    blank = await api.client.post("/api/chats/", json={"type": "group", "title": "   "}, headers=ann_h)
    assert _code(blank, 400) == "invalid_chat"
    ghost = await api.client.post(
        "/api/chats/", json={"type": "group", "title": "x", "member_ids": [999]}, headers=ann_h
    )
    assert _code(ghost, 404) == "user_not_found"
    unknown = await api.client.post("/api/chats/", json={"type": "channel", "title": "x"}, headers=ann_h)
    assert unknown.status_code == 400


async def test_rooms_are_listed_and_joined_with_their_password(api: Api) -> None:
    (_ann, ann_h), (bob, bob_h) = await _people(api, "ann", "bob")
    secret = await _chat(api, ann_h, {"type": "room", "name": "Secret Base", "password": "sesame"})
    assert (
        secret["has_password"] is True
        and secret["name"] == "Secret Base"
        and "sesame" not in str(secret)
        and "password_hash" not in secret
    )
    lobby = await _chat(api, ann_h, {"type": "room", "name": "Lobby"})
    taken = await api.client.post("/api/chats/", json={"type": "room", "name": " lobby "}, headers=bob_h)
    assert _code(taken, 409) == "room_name_taken"

    rooms = (await api.client.get("/api/rooms/", headers=bob_h)).json()
    assert rooms["count"] == 2 and [r["name"] for r in rooms["results"]] == ["Lobby", "Secret Base"]
    found = (await api.client.get("/api/rooms/", params={"search": "SECRET"}, headers=bob_h)).json()
    assert [r["id"] for r in found["results"]] == [secret["id"]] and found["results"][0]["is_member"] is False

    not_joined = await api.client.post(f"/api/chats/{secret['id']}/messages/", json={"text": "hi"}, headers=bob_h)
    assert _code(not_joined, 403) == "not_a_member"
    wrong = await api.client.post(f"/api/chats/{secret['id']}/join/", json={"password": "nope"}, headers=bob_h)
    assert _code(wrong, 403) == "wrong_password"
    bare = await api.client.post(f"/api/chats/{secret['id']}/join/", headers=bob_h)
    assert _code(bare, 403) == "wrong_password"
    joined = await api.client.post(f"/api/chats/{secret['id']}/join/", json={"password": "sesame"}, headers=bob_h)
    assert joined.status_code == 200 and bob["id"] in [m["user_id"] for m in joined.json()["members"]]
    again = await api.client.post(f"/api/chats/{secret['id']}/join/", json={"password": "sesame"}, headers=bob_h)
    assert again.status_code == 200
    assert (await api.client.post(f"/api/chats/{lobby['id']}/join/", headers=bob_h)).status_code == 200
    await _post(api, bob_h, secret["id"], "made it")

    group = await _chat(api, ann_h, {"type": "group", "title": "g", "member_ids": [bob["id"]]})
    not_room = await api.client.post(f"/api/chats/{group['id']}/join/", headers=bob_h)
    assert _code(not_room, 409) == "not_a_room"
    hidden = await api.client.post("/api/chats/99999/join/", headers=bob_h)
    assert _code(hidden, 404) == "chat_not_found"
    assert (await api.client.delete(f"/api/chats/{lobby['id']}/members/{bob['id']}/", headers=bob_h)).status_code == 204


async def test_forward_needs_both_chats_and_names_the_original(api: Api) -> None:
    (ann, ann_h), (bob, bob_h), (cat, _) = await _people(api, "ann", "bob", "cat")
    source = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    target = await _chat(api, ann_h, {"type": "group", "title": "team", "member_ids": [cat["id"]]})
    original = await _post(api, bob_h, source["id"], "meet at 8")

    copy = await api.client.post(
        f"/api/messages/{original['id']}/forward/", json={"chat_id": target["id"]}, headers=ann_h
    )
    assert copy.status_code == 201
    body = copy.json()
    assert body["forwarded_from"] == original["id"] and body["chat_id"] == target["id"]
    assert body["text"] == "meet at 8" and body["sender_id"] == ann["id"]

    not_in_target = await api.client.post(
        f"/api/messages/{original['id']}/forward/", json={"chat_id": target["id"]}, headers=bob_h
    )
    assert _code(not_in_target, 404) == "chat_not_found"
    await api.client.delete(f"/api/messages/{original['id']}/", headers=bob_h)
    deleted = await api.client.post(
        f"/api/messages/{original['id']}/forward/", json={"chat_id": target["id"]}, headers=ann_h
    )
    assert _code(deleted, 409) == "message_deleted"


async def test_pins_in_private_chats_and_groups(api: Api) -> None:
    (_ann, ann_h), (bob, bob_h) = await _people(api, "ann", "bob")
    private = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    message = await _post(api, ann_h, private["id"], "pin me")
    pinned = await api.client.post(f"/api/messages/{message['id']}/pin/", headers=bob_h)
    assert pinned.status_code == 200 and pinned.json()["is_pinned"] is True
    pins = (await api.client.get(f"/api/chats/{private['id']}/pins/", headers=ann_h)).json()
    assert [m["id"] for m in pins] == [message["id"]]
    assert (await api.client.delete(f"/api/messages/{message['id']}/pin/", headers=ann_h)).json()["is_pinned"] is False
    assert (await api.client.get(f"/api/chats/{private['id']}/pins/", headers=ann_h)).json() == []

    group = await _chat(api, ann_h, {"type": "group", "title": "g", "member_ids": [bob["id"]]})
    in_group = await _post(api, bob_h, group["id"], "mine")
    refused = await api.client.post(f"/api/messages/{in_group['id']}/pin/", headers=bob_h)
    assert _code(refused, 403) == "not_chat_admin"
    assert (await api.client.post(f"/api/messages/{in_group['id']}/pin/", headers=ann_h)).status_code == 200
    # The group admin deletes a member's message; it leaves the pins too.
    assert (await api.client.delete(f"/api/messages/{in_group['id']}/", headers=ann_h)).status_code == 204
    assert (await api.client.get(f"/api/chats/{group['id']}/pins/", headers=bob_h)).json() == []
    tomb = await api.client.post(f"/api/messages/{in_group['id']}/pin/", headers=ann_h)
    assert _code(tomb, 409) == "message_deleted"


async def test_unread_counters_follow_the_read_marker(api: Api) -> None:
    (_ann, ann_h), (bob, bob_h) = await _people(api, "ann", "bob")
    chat = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    await _post(api, bob_h, chat["id"], "own messages are never unread")
    sent = [await _post(api, ann_h, chat["id"], f"n{i}") for i in range(4)]

    listing = (await api.client.get("/api/chats/", headers=bob_h)).json()
    item = listing["results"][0]
    assert listing["count"] == 1 and item["unread_count"] == 4
    assert item["last_message"]["text"] == "n3"
    # Posting moves the sender's own read marker: nothing is unread for Ann.
    assert (await api.client.get("/api/chats/", headers=ann_h)).json()["results"][0]["unread_count"] == 0

    read = await api.client.post(
        f"/api/chats/{chat['id']}/read/", json={"last_read_message_id": sent[1]["id"]}, headers=bob_h
    )
    assert read.status_code == 200 and read.json()["unread_count"] == 2
    back = await api.client.post(
        f"/api/chats/{chat['id']}/read/", json={"last_read_message_id": sent[0]["id"]}, headers=bob_h
    )
    assert back.json()["last_read_message_id"] == sent[1]["id"] and back.json()["unread_count"] == 2
    await api.client.delete(f"/api/messages/{sent[3]['id']}/", headers=ann_h)
    assert (await api.client.get("/api/chats/", headers=bob_h)).json()["results"][0]["unread_count"] == 1

    other = await _chat(api, ann_h, {"type": "group", "title": "g", "member_ids": [bob["id"]]})
    foreign = await _post(api, ann_h, other["id"], "elsewhere")
    wrong = await api.client.post(
        f"/api/chats/{chat['id']}/read/", json={"last_read_message_id": foreign["id"]}, headers=bob_h
    )
    assert _code(wrong, 400) == "invalid_read_marker"
    order = [c["id"] for c in (await api.client.get("/api/chats/", headers=bob_h)).json()["results"]]
    assert order == [other["id"], chat["id"]]


async def test_search_finds_words_only_in_the_callers_chats(api: Api) -> None:
    (_ann, ann_h), (bob, bob_h), (cat, cat_h) = await _people(api, "ann", "bob", "cat")
    ours = await _chat(api, ann_h, {"type": "private", "user_id": bob["id"]})
    theirs = await _chat(api, bob_h, {"type": "private", "user_id": cat["id"]})
    hit = await _post(api, ann_h, ours["id"], "The Summit push starts at dawn")
    await _post(api, ann_h, ours["id"], "nothing here")
    secret = await _post(api, cat_h, theirs["id"], "summit secret")
    gone = await _post(api, bob_h, ours["id"], "summit plan B")
    await api.client.delete(f"/api/messages/{gone['id']}/", headers=bob_h)

    found = (await api.client.get("/api/messages/search/", params={"q": "summit"}, headers=ann_h)).json()
    assert [m["id"] for m in found["results"]] == [hit["id"]] and found["count"] == 1
    prefix = (await api.client.get("/api/messages/search/", params={"q": "summ daw"}, headers=ann_h)).json()
    assert [m["id"] for m in prefix["results"]] == [hit["id"]]
    for_bob = (await api.client.get("/api/messages/search/", params={"q": "summit"}, headers=bob_h)).json()
    assert {m["id"] for m in for_bob["results"]} == {hit["id"], secret["id"]}
    one_chat = await api.client.get(
        "/api/messages/search/", params={"q": "summit", "chat_id": theirs["id"]}, headers=bob_h
    )
    assert [m["id"] for m in one_chat.json()["results"]] == [secret["id"]]
    foreign = await api.client.get(
        "/api/messages/search/", params={"q": "summit", "chat_id": theirs["id"]}, headers=ann_h
    )
    assert _code(foreign, 404) == "chat_not_found"
    assert (await api.client.get("/api/messages/search/", params={"q": "%"}, headers=ann_h)).json()["count"] == 0
    assert (await api.client.get("/api/messages/search/", headers=ann_h)).status_code == 400


@pytest.mark.parametrize("path", ["/api/chats", "/api/rooms", "/api/messages/search?q=x"])
async def test_chat_endpoints_need_a_token(api: Api, path: str) -> None:
    assert (await api.client.get(path)).status_code == 401
