"""Organizations over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Api


async def create_organization(api: Api, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await api.client.post("/api/organizations/", json={"title": "Rescue Club", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_create_makes_the_creator_a_member_and_joins_postcode_and_address(api: Api) -> None:
    ann, headers = await api.user("ann@example.com")
    bob, _ = await api.user("bob@example.com")

    created = await create_organization(
        api,
        headers,
        description="Mountain rescue",
        address="Moscow, Tverskaya 1",
        postcode="101000",
        member_ids=[bob["id"]],
    )

    assert created["full_address"] == "101000, Moscow, Tverskaya 1"
    assert [m["id"] for m in created["members"]] == [ann["id"], bob["id"]]
    assert created["members"][1] == {"id": bob["id"], "name": "bob", "email": "bob@example.com"}
    detail = await api.client.get(f"/api/organizations/{created['id']}", headers=headers)
    assert detail.status_code == 200
    assert detail.json() == created


async def test_full_address_skips_missing_parts_when_only_the_address_is_given(api: Api) -> None:
    _, headers = await api.user("ann@example.com")
    created = await create_organization(api, headers, address="Kazan")
    assert (created["full_address"], created["postcode"], created["description"]) == ("Kazan", "", "")


async def test_list_pages_and_searches_titles(api: Api) -> None:
    _, headers = await api.user("ann@example.com")
    for title in ["Alpha Club", "Beta Club", "Gamma Society"]:
        await create_organization(api, headers, title=title)

    first = (await api.client.get("/api/organizations/?limit=2", headers=headers)).json()
    assert first["count"] == 3
    assert [o["title"] for o in first["results"]] == ["Alpha Club", "Beta Club"]
    assert first["previous"] is None and "offset=2" in first["next"]
    assert "/api/organizations/?" in first["next"]  # the documented path, trailing slash kept
    second = (await api.client.get(first["next"], headers=headers)).json()
    assert [o["title"] for o in second["results"]] == ["Gamma Society"]
    assert second["next"] is None

    found = (await api.client.get("/api/organizations/?search=club", headers=headers)).json()
    assert [o["title"] for o in found["results"]] == ["Alpha Club", "Beta Club"]
    assert found["results"][0]["members"][0]["email"] == "ann@example.com"


async def test_members_add_and_remove_each_other(api: Api) -> None:
    _, ann = await api.user("ann@example.com")
    bob, bob_headers = await api.user("bob@example.com")
    organization = await create_organization(api, ann)
    members_url = f"/api/organizations/{organization['id']}/members/"

    added = await api.client.post(members_url, json={"user_id": bob["id"]}, headers=ann)
    assert added.status_code == 201
    assert [m["email"] for m in added.json()["members"]] == ["ann@example.com", "bob@example.com"]

    removed = await api.client.delete(f"{members_url}{organization['created_by']}/", headers=bob_headers)
    assert removed.status_code == 204
    detail = (await api.client.get(f"/api/organizations/{organization['id']}/", headers=bob_headers)).json()
    assert [m["email"] for m in detail["members"]] == ["bob@example.com"]


async def test_member_changes_are_refused_with_codes(api: Api) -> None:
    ann, ann_headers = await api.user("ann@example.com")
    bob, bob_headers = await api.user("bob@example.com")
    organization = await create_organization(api, ann_headers)
    members_url = f"/api/organizations/{organization['id']}/members/"

    cases = [
        (
            api.client.post(members_url, json={"user_id": bob["id"]}, headers=bob_headers),
            403,
            "not_organization_member",
        ),
        (api.client.post(members_url, json={"user_id": ann["id"]}, headers=ann_headers), 409, "already_member"),
        (api.client.post(members_url, json={"user_id": 999}, headers=ann_headers), 404, "user_not_found"),
        (api.client.delete(f"{members_url}{bob['id']}/", headers=ann_headers), 404, "member_not_found"),
        (api.client.delete(f"{members_url}{ann['id']}/", headers=ann_headers), 409, "last_member"),
        (api.client.delete(f"{members_url}{ann['id']}/", headers=bob_headers), 403, "not_organization_member"),
        (api.client.get("/api/organizations/999/", headers=ann_headers), 404, "organization_not_found"),
        (
            api.client.post("/api/organizations/999/members/", json={"user_id": 1}, headers=ann_headers),
            404,
            "organization_not_found",
        ),
    ]
    for request, status, code in cases:
        response = await request
        assert (response.status_code, response.json()["code"]) == (status, code), response.text


async def test_create_refuses_bad_input_and_anonymous_callers(api: Api) -> None:
    _, headers = await api.user("ann@example.com")
    anonymous = await api.client.post("/api/organizations/", json={"title": "X"})
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert (await api.client.get("/api/organizations/")).status_code == 401

    for body, code in [
        ({"title": ""}, "validation_error"),
        ({"title": "   "}, "invalid_organization"),
        ({"title": "X" * 201}, "validation_error"),
        ({"title": "X", "member_ids": [424242]}, "unknown_users"),
        ({"title": "X", "member_ids": ["a"]}, "validation_error"),
        ({"title": "X", "owner": 1}, "validation_error"),
        ({"title": "X", "postcode": "1" * 21}, "validation_error"),
    ]:
        response = await api.client.post("/api/organizations/", json=body, headers=headers)
        assert (response.status_code, response.json()["code"]) == (400, code), body


async def poll_job(api: Api, location: str, headers: dict[str, str], timeout_s: float = 10) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            job = (await api.client.get(location, headers=headers)).json()
            if job["status"] in {"done", "failed"}:
                return dict(job)
            await asyncio.sleep(0.05)


async def test_prefer_respond_async_answers_202_with_a_job_that_creates_the_organization(api: Api) -> None:
    _, headers = await api.user("ann@example.com")
    _, other = await api.user("bob@example.com")

    accepted = await api.client.post(
        "/api/organizations/",
        json={"title": "Later Club", "postcode": "420000", "address": "Kazan"},
        headers={**headers, "Prefer": "respond-async"},
    )

    assert accepted.status_code == 202
    location = accepted.headers["location"]
    assert location == f"/api/jobs/{accepted.json()['id']}/"
    assert accepted.json()["status"] in {"queued", "running", "done"}
    job = await poll_job(api, location, headers)
    assert job["status"] == "done", job
    assert job["location"] == f"/api/organizations/{job['result']['organization_id']}/"
    organization = (await api.client.get(job["location"], headers=headers)).json()
    assert (organization["title"], organization["full_address"]) == ("Later Club", "420000, Kazan")

    hidden = await api.client.get(location, headers=other)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "job_not_found")
    anonymous = await api.client.get(location)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")


async def test_prefer_respond_async_checks_the_input_before_queueing(api: Api) -> None:
    _, headers = await api.user("ann@example.com")
    refused = await api.client.post(
        "/api/organizations/", json={"title": " "}, headers={**headers, "Prefer": "respond-async"}
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_organization")
