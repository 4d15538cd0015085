"""Finding people over HTTP (``GET /api/users/?search=``), on SQLite and on PostgreSQL."""

from __future__ import annotations

from tests.conftest import Api


async def _member(api: Api, email: str, username: str | None) -> dict[str, str]:
    body = {"email": email, "password": "s3cret-pass", "name": email.split("@")[0].title()}
    if username is not None:
        body["username"] = username
    created = await api.client.post("/api/users/", json=body)
    assert created.status_code == 201, created.text
    tokens = await api.login(email)
    return {"Authorization": f"Bearer {tokens['access']}"}


async def test_people_are_found_by_username_prefix_or_exact_email_showing_only_id_name_username(api: Api) -> None:
    ann = await _member(api, "ann@example.com", "ann")
    await _member(api, "bob@example.com", "bobby")
    await _member(api, "bo_b@example.com", "bo_b")
    await _member(api, "nouser@example.com", None)

    prefix = await api.client.get("/api/users/?search=BOB", headers=ann)
    by_email = await api.client.get("/api/users/?search=NoUser@Example.com", headers=ann)
    wildcard = await api.client.get("/api/users/?search=bo_", headers=ann)
    partial_email = await api.client.get("/api/users/?search=example.com", headers=ann)

    assert prefix.status_code == 200, prefix.text
    assert [person["username"] for person in prefix.json()["results"]] == ["bobby"]
    assert set(prefix.json()["results"][0]) == {"id", "name", "username"}
    assert [person["name"] for person in by_email.json()["results"]] == ["Nouser"]
    assert [person["username"] for person in wildcard.json()["results"]] == ["bo_b"]  # "_" is a letter here
    assert partial_email.json()["results"] == []
    assert (await api.client.get("/api/users/?search=ann", headers=ann)).json()["results"] == []  # never oneself


async def test_people_search_pages_by_limit_and_offset_when_many_match(api: Api) -> None:
    me = await _member(api, "me@example.com", "me")
    for index in range(3):
        await _member(api, f"p{index}@example.com", f"pal{index}")

    page = await api.client.get("/api/users/?search=pal&limit=2&offset=1", headers=me)

    body = page.json()
    assert (body["count"], [p["username"] for p in body["results"]], body["next"]) == (3, ["pal1", "pal2"], None)
    assert body["previous"] is not None


async def test_people_search_is_refused_when_anonymous_empty_or_oversized(api: Api) -> None:
    me = await _member(api, "me@example.com", "me")

    anonymous = await api.client.get("/api/users/?search=me")
    missing = await api.client.get("/api/users/", headers=me)
    empty = await api.client.get("/api/users/?search=", headers=me)
    oversized = await api.client.get("/api/users/?search=" + "a" * 255, headers=me)
    control = await api.client.get("/api/users/?search=a%01", headers=me)
    too_many = await api.client.get("/api/users/?search=a&limit=101", headers=me)

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    for refused in (missing, empty, oversized, control, too_many):
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] in {"validation_error", "invalid_text"}
