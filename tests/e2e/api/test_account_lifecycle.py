"""Account lifecycle, token headers and limits over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt
import pytest

from app.adapters.security.jwt_tokens import derive_key
from app.bootstrap import build_services
from tests.conftest import TEST_SECRET, Api, running_api, settings_for

PASSWORD = "s3cret-pass"


def bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access']}"}


async def me(api: Api, tokens: dict[str, str]) -> tuple[int, str]:
    response = await api.client.get("/api/users/me/", headers=bearer(tokens))
    return response.status_code, response.json().get("code", "")


async def with_admin(database_url: str, **settings: Any) -> tuple[Any, str]:
    """Settings with an admin created from the command line, as in production."""
    config = settings_for(database_url, **settings)
    services = build_services(config)
    admin = await services.user_admin.create_superuser(email="root@example.com", password=PASSWORD, name="Root")
    await services.aclose()
    return config, admin.email


async def test_token_responses_are_never_stored_by_caches(api: Api) -> None:
    await api.register("ann@example.com")
    obtained = await api.client.post("/api/token/", json={"email": "ann@example.com", "password": PASSWORD})
    refreshed = await api.client.post("/api/token/refresh/", json={"refresh": obtained.json()["refresh"]})
    profile = await api.client.get("/api/users/me/", headers=bearer(refreshed.json()))

    assert obtained.headers["cache-control"] == "no-store"
    assert refreshed.headers["cache-control"] == "no-store"
    assert "cache-control" not in profile.headers


async def test_logout_ends_the_access_token_of_that_login_only(api: Api) -> None:
    await api.register("ann@example.com")
    laptop, phone = await api.login("ann@example.com"), await api.login("ann@example.com")

    revoked = await api.client.post("/api/token/revoke/", json={"refresh": laptop["refresh"]}, headers=bearer(laptop))

    assert revoked.status_code == 204
    assert await me(api, laptop) == (401, "token_revoked")
    assert await me(api, phone) == (200, "")


async def test_password_change_refusals_have_codes(api: Api) -> None:
    await api.register("ann@example.com")
    tokens = await api.login("ann@example.com")

    missing = await api.client.patch("/api/users/me/", json={"password": "n3w-password"}, headers=bearer(tokens))
    wrong = await api.client.patch(
        "/api/users/me/", json={"password": "n3w-password", "current_password": "guess-123"}, headers=bearer(tokens)
    )

    assert (missing.status_code, missing.json()["code"]) == (400, "current_password_required")
    assert (wrong.status_code, wrong.json()["code"]) == (403, "wrong_current_password")
    assert await me(api, tokens) == (200, "")


async def test_password_change_ends_other_sessions_and_returns_a_fresh_pair(api: Api) -> None:
    await api.register("ann@example.com")
    mine, other = await api.login("ann@example.com"), await api.login("ann@example.com")

    changed = await api.client.patch(
        "/api/users/me/", json={"password": "n3w-password", "current_password": PASSWORD}, headers=bearer(mine)
    )

    assert changed.status_code == 200
    assert changed.headers["cache-control"] == "no-store"
    fresh = changed.json()
    assert fresh["email"] == "ann@example.com"
    assert await me(api, other) == (401, "token_revoked")
    assert await me(api, mine) == (401, "token_revoked")
    assert await me(api, fresh) == (200, "")
    stale = await api.client.post("/api/token/refresh/", json={"refresh": other["refresh"]})
    assert (stale.status_code, stale.json()["code"]) == (401, "token_revoked")
    renamed = await api.client.patch("/api/users/me/", json={"name": "Annie"}, headers=bearer(fresh))
    assert "access" not in renamed.json()


async def test_admin_deactivates_and_reactivates_and_the_last_admin_stays(database_url: str) -> None:
    settings, root_email = await with_admin(database_url)
    async with running_api(settings) as api:
        root = await api.login(root_email)
        ann_user = await api.register("ann@example.com")
        ann = await api.login("ann@example.com")
        path = f"/api/admin/users/{ann_user['id']}/active/"

        off = await api.client.put(path, json={"is_active": False}, headers=bearer(root))
        assert (off.status_code, off.json()["is_active"]) == (200, False)
        assert await me(api, ann) == (401, "token_revoked")
        login = await api.client.post("/api/token/", json={"email": "ann@example.com", "password": PASSWORD})
        assert (login.status_code, login.json()["code"]) == (403, "inactive_account")

        on = await api.client.put(path, json={"is_active": True}, headers=bearer(root))
        assert on.json()["is_active"] is True
        assert await me(api, ann) == (401, "token_revoked")  # the old session stays ended
        assert await me(api, await api.login("ann@example.com")) == (200, "")

        root_id = (await api.client.get("/api/users/me/", headers=bearer(root))).json()["id"]
        for method, url, body in [
            ("PUT", f"/api/admin/users/{root_id}/roles/", {"roles": ["chief"]}),
            ("PUT", f"/api/admin/users/{root_id}/active/", {"is_active": False}),
            ("DELETE", f"/api/admin/users/{root_id}/", None),
        ]:
            refused = await api.client.request(method, url, json=body, headers=bearer(root))
            assert (refused.status_code, refused.json()["code"]) == (409, "last_admin"), (method, url)
        assert await me(api, root) == (200, "")

        by_member = await api.client.put(
            path, json={"is_active": False}, headers=bearer(await api.login(ann_user["email"]))
        )
        assert (by_member.status_code, by_member.json()["code"]) == (403, "admin_only")
        unknown = await api.client.put("/api/admin/users/9999/active/", json={"is_active": False}, headers=bearer(root))
        assert (unknown.status_code, unknown.json()["code"]) == (404, "user_not_found")


async def test_a_deleted_account_token_is_refused_at_once(database_url: str) -> None:
    settings, root_email = await with_admin(database_url)
    async with running_api(settings) as api:
        root = await api.login(root_email)
        ann_user, ann_headers = await api.user("ann@example.com")
        assert (await api.client.get("/api/users/me/", headers=ann_headers)).status_code == 200

        deleted = await api.client.delete(f"/api/admin/users/{ann_user['id']}/", headers=bearer(root))

        assert deleted.status_code == 204
        after = await api.client.post("/api/chats/", json={"type": "room", "name": "ghosts"}, headers=ann_headers)
        assert (after.status_code, after.json()["code"]) == (401, "token_revoked")


@pytest.mark.parametrize(
    "claims",
    [{"exp": 10**30}, {"sub": str(2**64)}, {"sub": "ann"}, {"roles": [1]}, {"sv": "x"}, {"sub": 7}],
    ids=["exp-huge", "sub-beyond-64-bit", "sub-text", "roles-number", "sv-text", "sub-int"],
)
async def test_a_token_with_absurd_claims_is_a_401(api: Api, claims: dict[str, Any]) -> None:
    payload = {"iss": "muster", "typ": "access", "sub": "1", "exp": int(datetime.now(UTC).timestamp()) + 60, **claims}
    token = jwt.encode(payload, derive_key(TEST_SECRET, "muster.jwt"))

    response = await api.client.get("/api/users/me/", headers={"Authorization": f"Bearer {token}"})

    assert (response.status_code, response.json()["code"]) == (401, "token_invalid")


async def test_registration_is_limited_per_address(database_url: str) -> None:
    async with running_api(settings_for(database_url, register_rate_limit=2)) as api:
        await api.register("ann@example.com")
        await api.register("bob@example.com")
        refused = await api.client.post(
            "/api/users/", json={"email": "eve@example.com", "password": PASSWORD, "name": "Eve"}
        )
        assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600


async def test_chat_creation_is_limited_per_account_and_address(database_url: str) -> None:
    async with running_api(settings_for(database_url, chat_create_rate_limit=2, address_rate_factor=2)) as api:
        _, ann = await api.user("ann@example.com")
        _, bob = await api.user("bob@example.com")
        _, eve = await api.user("eve@example.com")
        statuses = [
            (await api.client.post("/api/chats/", json={"type": "room", "name": f"r{i}"}, headers=ann)).status_code
            for i in range(3)
        ]
        assert statuses == [201, 201, 429]
        bob_room = await api.client.post("/api/chats/", json={"type": "room", "name": "b1"}, headers=bob)
        assert bob_room.status_code == 201  # Ann's budget is hers alone
        # four attempts from this address so far: the per-address budget (2 times 2) is spent for Eve
        refused = await api.client.post("/api/chats/", json={"type": "room", "name": "e1"}, headers=eve)
        assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
        assert int(refused.headers["Retry-After"]) >= 1


async def test_posting_messages_over_http_spends_the_socket_budget(database_url: str) -> None:
    async with running_api(settings_for(database_url, chat_frame_rate=1.0, chat_frame_burst=3)) as api:
        _, ann = await api.user("ann@example.com")
        room = (await api.client.post("/api/chats/", json={"type": "room", "name": "r"}, headers=ann)).json()
        statuses = [
            (
                await api.client.post(f"/api/chats/{room['id']}/messages/", json={"text": f"m{i}"}, headers=ann)
            ).status_code
            for i in range(4)
        ]
        assert statuses == [201, 201, 201, 429]


async def test_bad_token_is_a_401_before_any_limit(database_url: str) -> None:
    async with running_api(settings_for(database_url, chat_create_rate_limit=1)) as api:
        response = await api.client.post(
            "/api/chats/", json={"type": "room", "name": "r"}, headers={"Authorization": "Bearer nope"}
        )
        assert (response.status_code, response.json()["code"]) == (401, "token_invalid")


async def test_successful_logins_do_not_lock_out_colleagues_behind_one_address(database_url: str) -> None:
    async with running_api(settings_for(database_url, login_rate_limit=2)) as api:
        for name in ("ann", "bob", "cid", "dan"):
            await api.register(f"{name}@example.com")
        for name in ("ann", "bob", "cid", "dan", "ann", "bob"):
            await api.login(f"{name}@example.com")

        statuses = [
            (
                await api.client.post("/api/token/", json={"email": "ann@example.com", "password": "guess-123"})
            ).status_code
            for _ in range(3)
        ]
        assert statuses == [401, 401, 429]
        other = await api.client.post("/api/token/", json={"email": "bob@example.com", "password": PASSWORD})
        assert other.status_code == 429  # the address has spent its failures too


async def test_proxy_headers_are_ignored_unless_the_peer_is_a_trusted_proxy(database_url: str) -> None:
    async def failures_from_rotating_addresses(api: Api) -> list[int]:
        return [
            (
                await api.client.post(
                    "/api/token/",
                    json={"email": f"u{i}@example.com", "password": "guess-123"},
                    headers={"X-Forwarded-For": f"203.0.113.{i}", "X-Real-IP": f"203.0.113.{i}"},
                )
            ).status_code
            for i in range(3)
        ]

    async with running_api(settings_for(database_url, login_rate_limit=1)) as api:
        assert await failures_from_rotating_addresses(api) == [401, 429, 429]
    async with running_api(settings_for(database_url, login_rate_limit=1, trusted_proxies=("127.0.0.0/8",))) as api:
        assert await failures_from_rotating_addresses(api) == [401, 401, 401]
