"""Bad input to every accounts endpoint is a 4xx JSON error with a code, never a 500, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

LONG = "x" * 5000
VALID = {"email": "new@example.com", "password": "s3cret-pass", "name": "New"}

BAD_REGISTRATIONS: list[Any] = [
    b"{not json",
    b"",
    b"null",
    b"[]",
    b'"text"',
    b"\xff\xfe",
    {},
    {**VALID, "email": 123},
    {**VALID, "email": None},
    {**VALID, "email": "no-at-sign"},
    {**VALID, "email": LONG + "@example.com"},
    {**VALID, "password": ""},
    {**VALID, "password": "short"},
    {**VALID, "password": LONG},
    {**VALID, "name": ""},
    {**VALID, "name": LONG},
    {**VALID, "name": ["list"]},
    {**VALID, "role": "emperor"},
    {**VALID, "role": "admin"},
    {**VALID, "phone": "not a phone"},
    {**VALID, "phone": LONG},
    {**VALID, "username": LONG},
    {**VALID, "unexpected": True},
]


def _send(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes):
        return {"content": body, "headers": {"Content-Type": "application/json"}}
    return {"json": body}


def _assert_client_error(response: Any, *statuses: int) -> None:
    assert response.status_code in statuses, response.text
    body = response.json()
    assert body["status"] == response.status_code
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["detail"], str)


@pytest.mark.parametrize("body", BAD_REGISTRATIONS)
async def test_register_refuses_bad_input_with_a_code(api: Api, body: Any) -> None:
    response = await api.client.post("/api/users/", **_send(body))
    _assert_client_error(response, 400)
    assert response.json()["code"] != "internal_error"


async def test_register_validation_names_the_field(api: Api) -> None:
    response = await api.client.post("/api/users/", json={**VALID, "email": 123})
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["field"] == "email"
    missing = await api.client.post("/api/users/", json={"email": "a@b.co"})
    assert missing.json()["errors"][0]["field"] in {"password", "name"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/token/", b"{"),
        ("POST", "/api/token/", {"email": "a@b.co"}),
        ("POST", "/api/token/", {"email": 1, "password": 2}),
        ("POST", "/api/token/", {"email": LONG, "password": "x"}),
        ("POST", "/api/token/refresh/", {}),
        ("POST", "/api/token/refresh/", {"refresh": 5}),
        ("POST", "/api/token/refresh/", {"refresh": "garbage"}),
        ("POST", "/api/token/refresh/", {"refresh": LONG}),
        ("POST", "/api/token/revoke/", {"refresh": "garbage"}),
        ("PATCH", "/api/users/me/", {"name": 5}),
        ("PATCH", "/api/users/me/", {"password": "short"}),
        ("PATCH", "/api/users/me/", {"name": LONG}),
        ("PATCH", "/api/users/me/", b"nope"),
        ("GET", "/api/users/activate/garbage/", None),
        ("GET", "/api/admin/users/?limit=-1", None),
        ("GET", "/api/admin/users/?limit=abc", None),
        ("GET", "/api/admin/users/?offset=-5", None),
        ("GET", "/api/admin/users/?role=emperor", None),
        ("PUT", "/api/admin/users/1/roles/", {"roles": ["emperor"]}),
        ("PUT", "/api/admin/users/1/roles/", {"roles": "admin"}),
        ("PUT", "/api/admin/users/abc/roles/", {"roles": []}),
        ("DELETE", "/api/users/me/", None),
    ],
)
async def test_every_accounts_endpoint_refuses_bad_input_with_a_code(
    api: Api, method: str, path: str, body: Any
) -> None:
    _, headers = await api.user("ann@example.com")
    kwargs = _send(body) if body is not None else {}
    kwargs.setdefault("headers", {}).update(headers)
    response = await api.client.request(method, path, **kwargs)
    _assert_client_error(response, 400, 401, 403, 404, 405)


async def test_bad_input_loses_nothing(api: Api) -> None:
    user, headers = await api.user("ann@example.com")
    await api.client.patch("/api/users/me/", json={"name": "Ann", "phone": "invalid"}, headers=headers)
    me = (await api.client.get("/api/users/me/", headers=headers)).json()
    assert me["name"] == user["name"]
    assert me["phone"] is None
