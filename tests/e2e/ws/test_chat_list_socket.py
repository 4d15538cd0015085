"""The chat list socket ``/ws/chats/`` against a real server process: new chats, new messages and
one's own reads reach every signed-in page of a member, and nothing of chats one is not in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from tests.conftest import LiveServer
from tests.e2e.ws import test_chat_socket as chat_socket
from tests.e2e.ws.test_chat_socket import Client, Frame, next_frame, no_frame, private_chat

pytestmark = pytest.mark.slow

# The chat socket's real server and people (Ann, Bob, Cat), shared rather than set up again.
server, people = chat_socket.server, chat_socket.people


@asynccontextmanager
async def chat_list(client: Client) -> AsyncIterator[tuple[ClientConnection, Frame]]:
    async with websockets.connect(f"{client.server.ws_url}/ws/chats/?token={client.token}") as ws:
        yield ws, await next_frame(ws, "chats")


async def test_the_chat_list_names_the_chats_followed_when_it_connects(people: list[Client]) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    async with chat_list(bob) as (ws, hello):
        assert (hello["user_id"], hello["chat_ids"]) == (bob.id, [chat_id])
        await ws.send(json.dumps({"type": "ping"}))
        assert (await next_frame(ws, "pong"))["type"] == "pong"


async def test_a_new_private_chat_and_its_messages_reach_the_other_user_live(people: list[Client]) -> None:
    ann, bob, cat = people
    async with chat_list(bob) as (bob_ws, hello), chat_list(cat) as (cat_ws, _):
        assert hello["chat_ids"] == []
        chat_id = await private_chat(ann, bob)
        assert (await next_frame(bob_ws, "chat_added"))["chat_id"] == chat_id
        posted = await ann.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "hi bob"})
        message = await next_frame(bob_ws, "message")
        assert (message["chat_id"], message["message_id"], message["sender_id"]) == (
            chat_id,
            posted.json()["id"],
            ann.id,
        )
        await no_frame(cat_ws, "message")  # nothing of a chat Cat is not in
        await no_frame(cat_ws, "chat_added")


async def test_a_group_and_a_member_added_later_appear_live(people: list[Client]) -> None:
    ann, bob, cat = people
    async with chat_list(bob) as (bob_ws, _), chat_list(cat) as (cat_ws, _):
        group = await ann.call("POST", "/api/chats/", json={"type": "group", "title": "Team", "member_ids": [bob.id]})
        group_id = group.json()["id"]
        assert (await next_frame(bob_ws, "chat_added"))["chat_id"] == group_id
        await ann.call("POST", f"/api/chats/{group_id}/members/", json={"user_id": cat.id})
        joined = await next_frame(cat_ws, "member_joined")
        assert (joined["chat_id"], joined["user_id"]) == (group_id, cat.id)
        await ann.call("POST", f"/api/chats/{group_id}/messages/", json={"text": "welcome"})
        assert (await next_frame(cat_ws, "message"))["text"] == "welcome"  # followed from the moment it joined
        await no_frame(bob_ws, "member_joined")  # others' joins are the chat socket's business


async def test_reading_on_one_page_clears_the_badge_on_every_page_of_the_reader(people: list[Client]) -> None:
    ann, bob, _ = people
    chat_id = await private_chat(ann, bob)
    posted = await ann.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "read me"})
    async with chat_list(bob) as (bob_ws, _), chat_list(ann) as (ann_ws, _):
        await bob.call("POST", f"/api/chats/{chat_id}/read/", json={"last_read_message_id": posted.json()["id"]})
        read = await next_frame(bob_ws, "read")
        assert (read["chat_id"], read["user_id"], read["last_read_message_id"]) == (
            chat_id,
            bob.id,
            posted.json()["id"],
        )
        await no_frame(ann_ws, "read")  # Ann's list does not change when Bob reads


async def test_leaving_a_group_stops_its_events_on_the_chat_list(people: list[Client]) -> None:
    ann, bob, _ = people
    group = await ann.call("POST", "/api/chats/", json={"type": "group", "title": "Team", "member_ids": [bob.id]})
    group_id = group.json()["id"]
    async with chat_list(bob) as (bob_ws, _):
        await bob.call("DELETE", f"/api/chats/{group_id}/members/{bob.id}/")
        assert (await next_frame(bob_ws, "member_left"))["chat_id"] == group_id
        await ann.call("POST", f"/api/chats/{group_id}/messages/", json={"text": "gone?"})
        await no_frame(bob_ws, "message")


async def test_a_chat_list_socket_without_a_valid_token_is_closed_with_4401(server: LiveServer) -> None:
    async with websockets.connect(f"{server.ws_url}/ws/chats/?token=nope") as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
