"""Input bounds at the HTTP edge, on SQLite and PostgreSQL alike: ids beyond 64 bits, control
characters in bodies and query parameters, timestamps that overflow in UTC, JSON nested too deep."""

from __future__ import annotations

import pytest

from tests.conftest import Api

BIG = 2**63


async def test_path_ids_beyond_64_bits_are_404_when_out_of_range(api: Api) -> None:
    _, headers = await api.user("a@example.com")
    for path in (f"/api/events/{BIG}/", f"/api/chats/{BIG}/messages/", "/api/organizations/0/", f"/api/jobs/{BIG}/"):
        response = await api.client.get(path, headers=headers)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/api/users/", {"email": "x@example.com", "password": "pw", "name": "N\u0000"}, "name"),
        ("POST", "/api/token/", {"email": "x\u0000@example.com", "password": "pw"}, "email"),
        ("POST", "/api/chats/", {"type": "room", "name": "bell\u0007"}, "name"),
        ("GET", "/api/events/?search=a%00b", None, "search"),
        ("GET", "/api/messages/search/?q=%1b", None, "q"),
        ("GET", "/api/organizations/?search=%00", None, "search"),
    ],
)
async def test_control_characters_are_400_invalid_text_naming_the_field_when_sent(
    api: Api, method: str, path: str, body: dict[str, str] | None, field: str
) -> None:
    _, headers = await api.user("a@example.com")
    response = await api.client.request(method, path, json=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_text"), response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_tab_and_newline_are_plain_text_when_posted(api: Api) -> None:
    _, headers = await api.user("a@example.com")
    room = await api.client.post("/api/chats/", json={"type": "room", "name": "tab\there"}, headers=headers)
    assert room.status_code == 201, room.text
    sent = await api.client.post(f"/api/chats/{room.json()['id']}/messages/", json={"text": "a\nb"}, headers=headers)
    assert sent.status_code == 201 and sent.json()["text"] == "a\nb"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
async def test_timestamps_beyond_utc_are_400_when_given(api: Api, moment: str) -> None:
    _, headers = await api.user("chief@example.com", role="chief")
    body = {"title": "Ridge", "start_at": moment, "capacity": 3}
    response = await api.client.post("/api/expeditions/", json=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (400, "timestamp_out_of_range"), response.text
    assert response.json()["errors"][0]["field"] == "start_at"


@pytest.mark.parametrize("query", ["date=9999-12-31", "date__lte=9999-12-31", "date__gte=9999-12-31T23:59:59-12:00"])
async def test_event_list_bounds_beyond_utc_are_400_when_given(api: Api, query: str) -> None:
    response = await api.client.get(f"/api/events/?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "validation_error"), response.text


async def test_json_nested_past_32_levels_is_400_before_decoding_when_posted(api: Api) -> None:
    _, headers = await api.user("a@example.com")
    for depth in (33, 100_000):
        deep = '{"type": "room", "name": ' + "[" * depth + "]" * depth + "}"
        response = await api.client.post(
            "/api/chats/", content=deep, headers={**headers, "Content-Type": "application/json"}
        )
        assert (response.status_code, response.json()["code"]) == (400, "json_too_deep"), depth
    at_limit = '{"type": "room", "name": ' + "[" * 31 + "]" * 31 + "}"
    response = await api.client.post(
        "/api/chats/", content=at_limit, headers={**headers, "Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "validation_error")
