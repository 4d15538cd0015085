"""Accounts over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from app.bootstrap import build_services
from tests.conftest import Api, running_api, settings_for


async def test_register_token_me_walkthrough(api: Api) -> None:
    created = await api.client.post(
        "/api/users/",
        json={
            "email": "Chief@Example.com",
            "password": "s3cret-pass",
            "name": "John",
            "role": "chief",
            "phone": "+48123456789",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["email"] == "Chief@example.com"
    assert body["roles"] == ["chief", "member"]
    assert "password" not in str(body) and "hash" not in str(body)

    tokens = (
        await api.client.post("/api/token/", json={"email": "chief@EXAMPLE.com", "password": "s3cret-pass"})
    ).json()
    me = await api.client.get("/api/users/me/", headers={"Authorization": f"Bearer {tokens['access']}"})

    assert me.status_code == 200
    assert {k: me.json()[k] for k in ("id", "email", "name", "phone", "roles", "is_active")} == {
        "id": body["id"],
        "email": "Chief@example.com",
        "name": "John",
        "phone": "+48123456789",
        "roles": ["chief", "member"],
        "is_active": True,
    }
    assert me.json()["created_at"].endswith("Z") or "+00:00" in me.json()["created_at"]


async def test_paths_work_with_and_without_trailing_slash(api: Api) -> None:
    _, headers = await api.user("ann@example.com")
    assert (await api.client.get("/api/users/me", headers=headers)).status_code == 200
    assert (await api.client.get("/api/users/me/", headers=headers)).status_code == 200


async def test_register_refuses_duplicate_email_case_insensitively(api: Api) -> None:
    await api.register("ann@example.com")
    again = await api.client.post(
        "/api/users/", json={"email": "ANN@example.com", "password": "s3cret-pass", "name": "A"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "email_taken"


async def test_token_refusals_have_codes(api: Api) -> None:
    await api.register("ann@example.com")
    wrong = await api.client.post("/api/token/", json={"email": "ann@example.com", "password": "wrong-pass"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")

    tokens = await api.login("ann@example.com")
    for header, code in [
        ({}, "not_authenticated"),
        ({"Authorization": "Bearer nonsense"}, "token_invalid"),
        ({"Authorization": f"Bearer {tokens['refresh']}"}, "token_wrong_type"),
        ({"Authorization": f"Token {tokens['access']}"}, "not_authenticated"),
    ]:
        response = await api.client.get("/api/users/me/", headers=header)
        assert (response.status_code, response.json()["code"]) == (401, code)


async def test_refresh_rotates_and_reuse_revokes_the_family(api: Api) -> None:
    await api.register("ann@example.com")
    first = await api.login("ann@example.com")

    second = await api.client.post("/api/token/refresh/", json={"refresh": first["refresh"]})
    assert second.status_code == 200
    assert set(second.json()) == {"access", "refresh"}

    reused = await api.client.post("/api/token/refresh/", json={"refresh": first["refresh"]})
    assert (reused.status_code, reused.json()["code"]) == (401, "token_reused")
    after = await api.client.post("/api/token/refresh/", json={"refresh": second.json()["refresh"]})
    assert (after.status_code, after.json()["code"]) == (401, "token_revoked")


async def test_revoke_logs_out(api: Api) -> None:
    await api.register("ann@example.com")
    tokens = await api.login("ann@example.com")
    headers = {"Authorization": f"Bearer {tokens['access']}"}

    revoked = await api.client.post("/api/token/revoke/", json={"refresh": tokens["refresh"]}, headers=headers)
    assert revoked.status_code == 204
    refused = await api.client.post("/api/token/refresh/", json={"refresh": tokens["refresh"]})
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")


async def test_patch_me_updates_profile(api: Api) -> None:
    _, headers = await api.user("ann@example.com")
    patched = await api.client.patch(
        "/api/users/me/", json={"name": "Annie", "phone": "+44 20 7946 0958"}, headers=headers
    )
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["phone"]) == ("Annie", "+442079460958")
    bad = await api.client.patch("/api/users/me/", json={"phone": "call me"}, headers=headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_phone")


async def test_admin_lists_users_and_manages_roles(database_url: str) -> None:
    settings = settings_for(database_url)
    services = build_services(settings)
    admin = await services.user_admin.create_superuser(email="root@example.com", password="s3cret-pass", name="Root")
    await services.aclose()
    async with running_api(settings) as api:
        root = await api.login(admin.email)
        admin_headers = {"Authorization": f"Bearer {root['access']}"}
        ann, ann_headers = await api.user("ann@example.com")

        granted = await api.client.put(
            f"/api/admin/users/{ann['id']}/roles/", json={"roles": ["organizer"]}, headers=admin_headers
        )
        assert granted.status_code == 200
        assert granted.json()["roles"] == ["member", "organizer"]

        listed = await api.client.get("/api/admin/users/?role=organizer&limit=1", headers=admin_headers)
        assert listed.status_code == 200
        page = listed.json()
        assert page["count"] == 2
        assert page["previous"] is None
        assert "offset=1" in page["next"] and "role=organizer" in page["next"]
        searched = await api.client.get("/api/admin/users/?search=ANN", headers=admin_headers)
        assert [u["email"] for u in searched.json()["results"]] == ["ann@example.com"]

        forbidden = await api.client.get("/api/admin/users/", headers=ann_headers)
        assert (forbidden.status_code, forbidden.json()["code"]) == (403, "admin_only")
        missing = await api.client.put("/api/admin/users/9999/roles/", json={"roles": []}, headers=admin_headers)
        assert (missing.status_code, missing.json()["code"]) == (404, "user_not_found")


async def test_login_is_rate_limited_with_retry_after(database_url: str) -> None:
    async with running_api(settings_for(database_url, login_rate_limit=3)) as api:
        statuses = []
        for _ in range(4):
            response = await api.client.post("/api/token/", json={"email": "x@example.com", "password": "whatever1"})
            statuses.append(response.status_code)
        assert statuses == [401, 401, 401, 429]
        assert response.json()["code"] == "rate_limited"
        assert 1 <= int(response.headers["Retry-After"]) <= 60


async def test_health_and_ready(api: Api) -> None:
    assert (await api.client.get("/health/")).json() == {"status": "ok"}
    ready = await api.client.get("/ready/")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True}


async def test_ready_is_503_when_the_database_is_unreachable() -> None:
    settings = settings_for("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with running_api(settings) as api:
        ready = await api.client.get("/ready/")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": False}
    assert "database unreachable" in ready.json()["problems"]["database"]


async def test_openapi_and_docs_are_served(api: Api) -> None:
    schema = await api.client.get("/api/schema/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")
    assert "/api/users/me" in schema.json()["paths"] or "/api/users/me/" in schema.json()["paths"]
    for page in ("/api/schema/swagger-ui/", "/api/schema/redoc/"):
        response = await api.client.get(page)
        assert response.status_code == 200
        assert "<html" in response.text.lower()


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example"])
async def test_unknown_host_is_refused(database_url: str, host: str) -> None:
    async with running_api(settings_for(database_url, allowed_hosts=("localhost", "testserver"))) as api:
        refused = await api.client.get("/health/", headers={"Host": host})
        allowed = await api.client.get("/health/", headers={"Host": "localhost:8000"})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_host")
    assert allowed.status_code == 200
