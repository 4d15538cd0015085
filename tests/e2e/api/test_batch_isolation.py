"""Requests stored in one batch are answered as if each had been alone, over HTTP on PostgreSQL; and
idempotent writes (``Idempotency-Key``) return the first result, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.adapters.db.engine import async_url
from tests.conftest import Api, running_api, settings_for, truncate_all
from tests.e2e.ticketing_flow import make_organizer, published_event

Headers = dict[str, str]


@pytest.fixture
async def pg_api(postgres_url: str) -> AsyncIterator[Api]:
    await truncate_all(postgres_url)
    async with running_api(settings_for(postgres_url)) as running:
        yield running


async def _room(api: Api, owner: Headers, *members: Headers) -> int:
    created = await api.client.post("/api/chats/", json={"type": "room", "name": "Burst"}, headers=owner)
    assert created.status_code == 201, created.text
    room_id = int(created.json()["id"])
    for member in members:
        assert (await api.client.post(f"/api/chats/{room_id}/join/", headers=member)).status_code in (200, 201)
    return room_id


async def _delete_user(database_url: str, user_id: int) -> None:
    engine = create_async_engine(async_url(database_url))
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": user_id})
    await engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
async def test_one_poisoned_message_in_a_burst_of_30_fails_alone_over_http(pg_api: Api) -> None:
    api = pg_api
    senders = [(await api.user(f"s{n}@example.com"))[1] for n in range(3)]
    _, eve = await api.user("eve@example.com")
    room_id = await _room(api, senders[0], *senders[1:], eve)
    path = f"/api/chats/{room_id}/messages/"
    posts = [api.client.post(path, json={"text": f"good {n}"}, headers=senders[n % 3]) for n in range(30)]
    posts.insert(17, api.client.post(path, json={"text": "bad\u0000text"}, headers=eve))

    responses = await asyncio.gather(*posts)

    poisoned = responses.pop(17)
    assert 400 <= poisoned.status_code < 500 and poisoned.json()["code"], poisoned.text
    assert [r.status_code for r in responses] == [201] * 30, [r.text for r in responses if r.status_code != 201]
    assert sorted(r.json()["text"] for r in responses) == sorted(f"good {n}" for n in range(30))
    history = (await api.client.get(f"{path}?limit=100", headers=eve)).json()["results"]
    assert sorted(m["text"] for m in history) == sorted(f"good {n}" for n in range(30))


@pytest.mark.postgres
@pytest.mark.slow
async def test_one_reservation_by_a_deleted_account_in_a_burst_of_30_fails_alone(
    pg_api: Api, postgres_url: str
) -> None:
    api = pg_api
    _, organizer = await make_organizer(api, "org@example.com")
    event = await published_event(api, organizer, capacity=50)
    holders = [await api.user(f"h{n}@example.com") for n in range(31)]
    gone_user, gone = holders.pop(11)
    await _delete_user(postgres_url, gone_user["id"])  # its access token is still valid
    path = f"/api/events/{event['id']}/reservations/"
    posts = [api.client.post(path, headers=headers) for _, headers in holders]
    posts.insert(11, api.client.post(path, headers=gone))

    responses = await asyncio.gather(*posts)

    refused = responses.pop(11)
    assert 400 <= refused.status_code < 500 and refused.json()["code"], refused.text
    assert [r.status_code for r in responses] == [201] * 30, [r.text for r in responses if r.status_code != 201]
    assert {r.json()["status"] for r in responses} == {"confirmed"}
    metrics = (await api.client.get(f"/api/events/{event['id']}/metrics/", headers=organizer)).json()
    assert metrics["confirmed_count"] == 30


async def _post(api: Api, path: str, headers: Headers, key: str | bytes | None, **body: Any) -> httpx.Response:
    extra: dict[str, str | bytes] = {"Idempotency-Key": key} if key is not None else {}
    return await api.client.post(path, json=body or None, headers={**headers, **extra})  # type: ignore[arg-type]


async def test_a_repeated_message_with_the_same_idempotency_key_returns_the_first(api: Api) -> None:
    _, ann = await api.user("ann@example.com")
    _, bob = await api.user("bob@example.com")
    room_id = await _room(api, ann, bob)
    path = f"/api/chats/{room_id}/messages/"

    first = await _post(api, path, ann, "msg-1", text="hello")
    again = await _post(api, path, ann, "msg-1", text="hello")
    bobs = await _post(api, path, bob, "msg-1", text="hello")  # another sender: another message
    concurrent = await asyncio.gather(*(_post(api, path, ann, "msg-2", text="once") for _ in range(6)))

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and first.json()["client_id"] == "msg-1"
    assert bobs.status_code == 201 and bobs.json()["id"] != first.json()["id"]
    assert [r.status_code for r in concurrent] == [201] * 6
    assert len({r.json()["id"] for r in concurrent}) == 1
    history = (await api.client.get(path, headers=ann)).json()["results"]
    assert sorted(m["text"] for m in history) == ["hello", "hello", "once"]


async def test_a_repeated_reservation_with_the_same_idempotency_key_returns_the_first(api: Api) -> None:
    _, organizer = await make_organizer(api, "org@example.com")
    event = await published_event(api, organizer, capacity=5)
    _, ann = await api.user("ann@example.com")
    path = f"/api/events/{event['id']}/reservations/"

    concurrent = await asyncio.gather(*(_post(api, path, ann, "res-1") for _ in range(6)))
    again = await _post(api, path, ann, "res-1")
    other_key = await _post(api, path, ann, "res-2")

    assert [r.status_code for r in concurrent] == [201] * 6
    assert all(r.json() == concurrent[0].json() for r in [*concurrent, again])
    assert concurrent[0].json()["status"] == "confirmed" and concurrent[0].json()["ticket_secret"]
    assert other_key.status_code == 409 and other_key.json()["code"] == "already_reserved"
    listed = (await api.client.get(path, headers=organizer)).json()
    assert listed["count"] == 1


@pytest.mark.parametrize("key", ["", "x" * 65, "has space", "caf\u00e9".encode()])
async def test_a_malformed_idempotency_key_is_refused_with_400(api: Api, key: str | bytes) -> None:
    _, ann = await api.user("ann@example.com")
    room_id = await _room(api, ann)
    _, organizer = await make_organizer(api, "org@example.com")
    event = await published_event(api, organizer, capacity=5)

    for path, body in (
        (f"/api/chats/{room_id}/messages/", {"text": "hi"}),
        (f"/api/events/{event['id']}/reservations/", {}),
    ):
        response = await _post(api, path, ann, key, **body)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_idempotency_key"
