"""A small populated world on a real server for the fuzzers: callers of every role and a few of
each thing (expedition, event, reservation, organization, chats, messages), so that generated ids
often name something real."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.settings import Settings
from tests.conftest import LiveServer, create_first_admin, live_server, run_async

PASSWORD = "s3cret-pass"
STARTS_AT = "2099-05-01T18:00:00Z"


@dataclass
class World:
    server: LiveServer
    tokens: dict[str, str]  # role → access token
    ids: dict[str, int] = field(default_factory=dict)

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    return dict(response.json())


def _populate(http: httpx.Client, settings: Settings) -> tuple[dict[str, str], dict[str, int]]:
    tokens: dict[str, str] = {}
    users: dict[str, dict[str, Any]] = {}
    for role, registered_as in (("member", "chief"), ("organizer", "member"), ("friend", "member")):
        users[role] = _ok(
            http.post(
                "/api/users/",
                json={
                    "email": f"{role}@example.com",
                    "password": PASSWORD,
                    "name": role.title(),
                    "role": registered_as,
                },
            )
        )
    run_async(create_first_admin(settings, "admin@example.com", PASSWORD))

    def login(role: str) -> str:
        return str(_ok(http.post("/api/token/", json={"email": f"{role}@example.com", "password": PASSWORD}))["access"])

    tokens["admin"] = login("admin")
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    _ok(http.put(f"/api/admin/users/{users['organizer']['id']}/roles/", json={"roles": ["organizer"]}, headers=admin))
    for role in ("member", "organizer", "friend"):
        tokens[role] = login(role)
    member = {"Authorization": f"Bearer {tokens['member']}"}
    organizer = {"Authorization": f"Bearer {tokens['organizer']}"}
    friend_id = users["friend"]["id"]

    ids: dict[str, int] = {"friend": friend_id}
    expedition = _ok(
        http.post("/api/expeditions/", json={"title": "Ridge", "start_at": STARTS_AT, "capacity": 3}, headers=member)
    )
    ids["expedition"] = expedition["id"]
    _ok(http.post(f"/api/expeditions/{expedition['id']}/invite/", json={"user_id": friend_id}, headers=member))
    organization = _ok(
        http.post("/api/organizations/", json={"title": "Rescue", "member_ids": [friend_id]}, headers=organizer)
    )
    ids["organization"] = organization["id"]
    event = _ok(
        http.post(
            "/api/events/",
            json={
                "title": "Night hike",
                "starts_at": STARTS_AT,
                "capacity": 2,
                "organization_ids": [organization["id"]],
            },
            headers=organizer,
        )
    )
    ids["event"] = event["id"]
    _ok(http.post(f"/api/events/{event['id']}/publish/", headers=organizer))
    ids["reservation"] = _ok(http.post(f"/api/events/{event['id']}/reservations/", headers=member))["id"]
    group = _ok(
        http.post("/api/chats/", json={"type": "group", "title": "Team", "member_ids": [friend_id]}, headers=member)
    )
    room = _ok(http.post("/api/chats/", json={"type": "room", "name": "Lobby"}, headers=member))
    ids["group"], ids["room"] = group["id"], room["id"]
    ids["message"] = _ok(http.post(f"/api/chats/{group['id']}/messages/", json={"text": "hello"}, headers=member))["id"]
    ids["room_message"] = _ok(
        http.post(f"/api/chats/{room['id']}/messages/", json={"text": "welcome"}, headers=member)
    )["id"]
    return tokens, ids


@contextlib.contextmanager
def populated_server(settings: Settings) -> Iterator[World]:
    """A real server process on ``settings`` with the world above in its database."""
    with live_server(settings) as server, httpx.Client(base_url=server.base_url, timeout=30) as http:
        tokens, ids = _populate(http, settings)
        yield World(server=server, tokens=tokens, ids=ids)
