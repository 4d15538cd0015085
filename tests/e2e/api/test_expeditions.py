"""Expeditions over HTTP, on SQLite and on PostgreSQL: the walk-through and every refusal code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Api

PAST = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
FUTURE = (datetime.now(UTC) + timedelta(days=30)).isoformat()
Headers = dict[str, str]


async def _create(api: Api, chief: Headers, *, capacity: int = 5, start_at: str = PAST) -> dict[str, Any]:
    response = await api.client.post(
        "/api/expeditions/",
        json={"title": "Arctic Expedition", "start_at": start_at, "capacity": capacity},
        headers=chief,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _post(api: Api, path: str, headers: Headers, body: dict[str, Any] | None = None) -> Any:
    return (
        await api.client.post(path, json=body, headers=headers)
        if body
        else await api.client.post(path, headers=headers)
    )


async def _invite_and_confirm(
    api: Api, expedition_id: int, chief: Headers, *members: tuple[dict[str, Any], Headers]
) -> None:
    for user, headers in members:
        invited = await _post(api, f"/api/expeditions/{expedition_id}/invite/", chief, {"user_id": user["id"]})
        assert invited.status_code == 201, invited.text
        confirmed = await _post(api, f"/api/expeditions/{expedition_id}/confirm/", headers)
        assert confirmed.status_code == 200, confirmed.text


async def _status(api: Api, expedition_id: int, headers: Headers, status: str) -> Any:
    return await _post(api, f"/api/expeditions/{expedition_id}/status/", headers, {"status": status})


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    body = dict(response.json())
    assert body["status"] == status and body["detail"]
    return body


async def test_seed_walkthrough_create_invite_confirm_and_run(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    ann, ann_h = await api.user("ann@example.com")
    bob, bob_h = await api.user("bob@example.com")
    created = await _create(api, chief)
    assert (created["status"], created["title"], created["capacity"]) == ("draft", "Arctic Expedition", 5)
    expedition_id = created["id"]

    invited = await _post(api, f"/api/expeditions/{expedition_id}/invite/", chief, {"user_id": ann["id"]})
    assert invited.status_code == 201
    assert invited.json()["status"] == "invited"
    assert invited.json()["user"] == {"id": ann["id"], "name": "ann", "email": "ann@example.com"}
    confirmed = await _post(api, f"/api/expeditions/{expedition_id}/confirm", ann_h)  # no trailing slash
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "confirmed")
    assert confirmed.json()["confirmed_at"] is not None
    await _invite_and_confirm(api, expedition_id, chief, (bob, bob_h))

    members = await api.client.get(f"/api/expeditions/{expedition_id}/members/", headers=bob_h)
    assert members.status_code == 200
    assert [(m["user"]["email"], m["status"]) for m in members.json()] == [
        ("ann@example.com", "confirmed"),
        ("bob@example.com", "confirmed"),
    ]
    assert set(members.json()[0]) >= {"user", "status", "invited_at", "confirmed_at"}

    for status in ("ready", "active", "finished"):
        changed = await _status(api, expedition_id, chief, status)
        assert (changed.status_code, changed.json()["status"]) == (200, status)
    detail = await api.client.get(f"/api/expeditions/{expedition_id}/", headers=ann_h)
    assert (detail.json()["status"], detail.json()["confirmed_count"]) == ("finished", 2)


async def test_list_shows_only_own_expeditions_with_paging(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    ann, ann_h = await api.user("ann@example.com")
    _, eve_h = await api.user("eve@example.com")
    first, second = await _create(api, chief), await _create(api, chief)
    await _post(api, f"/api/expeditions/{second['id']}/invite/", chief, {"user_id": ann["id"]})

    mine = (await api.client.get("/api/expeditions/?limit=1", headers=chief)).json()
    assert (mine["count"], [e["id"] for e in mine["results"]]) == (2, [second["id"]])
    assert mine["next"] and "offset=1" in mine["next"]
    assert [e["id"] for e in (await api.client.get("/api/expeditions/", headers=ann_h)).json()["results"]] == [
        second["id"]
    ]
    assert (await api.client.get("/api/expeditions/", headers=eve_h)).json()["count"] == 0
    assert first["id"] != second["id"]


async def test_requests_without_a_token_are_401(api: Api) -> None:
    _refused(await api.client.get("/api/expeditions/"), 401, "not_authenticated")


async def test_members_without_the_chief_role_cannot_create(api: Api) -> None:
    _, ann = await api.user("ann@example.com")
    response = await api.client.post(
        "/api/expeditions/", json={"title": "T", "start_at": PAST, "capacity": 5}, headers=ann
    )
    _refused(response, 403, "chief_role_required")


async def test_bad_input_is_a_400_with_field_errors(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    for body in (
        {"title": "T", "start_at": PAST, "capacity": 0},
        {"title": "T", "start_at": "2026-05-01T08:00:00", "capacity": 5},  # no zone
        {"title": "", "start_at": PAST, "capacity": 5},
        {"title": "T", "start_at": PAST, "capacity": 5, "chief_id": 1},
        {"title": "T" * 201, "start_at": PAST, "capacity": 5},
        {"title": "T", "start_at": PAST, "capacity": 10**30},
    ):
        response = await api.client.post("/api/expeditions/", json=body, headers=chief)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["code"] == "validation_error"
    expedition = await _create(api, chief)
    bad_status = await _status(api, expedition["id"], chief, "flying")
    _refused(bad_status, 400, "validation_error")
    bad_user = await _post(api, f"/api/expeditions/{expedition['id']}/invite/", chief, {"user_id": "x"})
    _refused(bad_user, 400, "validation_error")
    huge_user = await _post(api, f"/api/expeditions/{expedition['id']}/invite/", chief, {"user_id": 10**20})
    _refused(huge_user, 400, "validation_error")
    for path in ("/api/expeditions/99999999999999999999/", "/api/expeditions/0/members/"):
        _refused(await api.client.get(path, headers=chief), 404, "not_found")
    _refused(await _post(api, "/api/expeditions/99999999999999999999/confirm/", chief), 404, "not_found")


async def test_outsiders_get_404_on_every_expedition_path(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    eve, eve_h = await api.user("eve@example.com")
    expedition_id = (await _create(api, chief))["id"]
    base = f"/api/expeditions/{expedition_id}"
    responses = [
        await api.client.get(f"{base}/", headers=eve_h),
        await api.client.get(f"{base}/members/", headers=eve_h),
        await _status(api, expedition_id, eve_h, "ready"),
        await _post(api, f"{base}/invite/", eve_h, {"user_id": eve["id"]}),
        await _post(api, f"{base}/confirm/", eve_h),
        await _post(api, f"{base}/decline/", eve_h),
        await api.client.get("/api/expeditions/999999/", headers=chief),
    ]
    for response in responses:
        _refused(response, 404, "expedition_not_found")


async def test_members_who_are_not_chief_get_403_on_chief_actions(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    ann, ann_h = await api.user("ann@example.com")
    bob, _ = await api.user("bob@example.com")
    expedition_id = (await _create(api, chief))["id"]
    await _post(api, f"/api/expeditions/{expedition_id}/invite/", chief, {"user_id": ann["id"]})
    _refused(await _status(api, expedition_id, ann_h, "ready"), 403, "not_chief")
    invite = await _post(api, f"/api/expeditions/{expedition_id}/invite/", ann_h, {"user_id": bob["id"]})
    _refused(invite, 403, "not_chief")


async def test_invitation_refusals(api: Api) -> None:
    chief_user, chief = await api.user("chief@example.com", role="chief")
    ann, _ = await api.user("ann@example.com")
    expedition_id = (await _create(api, chief))["id"]
    path = f"/api/expeditions/{expedition_id}/invite/"
    assert (await _post(api, path, chief, {"user_id": ann["id"]})).status_code == 201
    _refused(await _post(api, path, chief, {"user_id": ann["id"]}), 409, "already_invited")
    _refused(await _post(api, path, chief, {"user_id": chief_user["id"]}), 409, "chief_not_invitable")
    _refused(await _post(api, path, chief, {"user_id": 987654}), 404, "user_not_found")


async def test_answer_refusals(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    ann, ann_h = await api.user("ann@example.com")
    bob, bob_h = await api.user("bob@example.com")
    cid, cid_h = await api.user("cid@example.com")
    expedition_id = (await _create(api, chief, capacity=1))["id"]
    base = f"/api/expeditions/{expedition_id}"
    for user in (ann, bob, cid):
        await _post(api, f"{base}/invite/", chief, {"user_id": user["id"]})
    _refused(await _post(api, f"{base}/confirm/", chief), 403, "not_invited")
    assert (await _post(api, f"{base}/confirm/", ann_h)).status_code == 200
    _refused(await _post(api, f"{base}/confirm/", ann_h), 409, "already_responded")
    _refused(await _post(api, f"{base}/confirm/", bob_h), 409, "over_capacity")
    declined = await _post(api, f"{base}/decline/", bob_h)
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    await _status(api, expedition_id, chief, "cancelled")
    _refused(await _post(api, f"{base}/confirm/", cid_h), 409, "expedition_closed")
    _refused(await _post(api, f"{base}/invite/", chief, {"user_id": bob["id"]}), 409, "expedition_closed")


async def test_status_refusals(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    ann, ann_h = await api.user("ann@example.com")
    bob, bob_h = await api.user("bob@example.com")
    early = (await _create(api, chief, start_at=FUTURE))["id"]
    _refused(await _status(api, early, chief, "active"), 409, "invalid_transition")
    _refused(await _status(api, early, chief, "finished"), 409, "invalid_transition")
    assert (await _status(api, early, chief, "ready")).status_code == 200
    await _invite_and_confirm(api, early, chief, (ann, ann_h), (bob, bob_h))
    _refused(await _status(api, early, chief, "active"), 409, "too_early")
    started = (await _create(api, chief))["id"]
    await _invite_and_confirm(api, started, chief, (ann, ann_h))
    await _status(api, started, chief, "ready")
    _refused(await _status(api, started, chief, "active"), 409, "not_enough_members")
    assert (await _status(api, early, chief, "cancelled")).json()["status"] == "cancelled"
    _refused(await _status(api, early, chief, "draft"), 409, "invalid_transition")


async def test_activation_is_refused_when_a_member_is_busy_on_another_active_expedition(api: Api) -> None:
    _, chief = await api.user("chief@example.com", role="chief")
    ann, ann_h = await api.user("ann@example.com")
    bob, bob_h = await api.user("bob@example.com")
    cid, cid_h = await api.user("cid@example.com")
    first, second = (await _create(api, chief))["id"], (await _create(api, chief))["id"]
    await _invite_and_confirm(api, first, chief, (ann, ann_h), (bob, bob_h))
    await _invite_and_confirm(api, second, chief, (bob, bob_h), (cid, cid_h))
    for expedition_id in (first, second):
        await _status(api, expedition_id, chief, "ready")
    assert (await _status(api, first, chief, "active")).status_code == 200
    body = _refused(await _status(api, second, chief, "active"), 409, "member_busy")
    assert body["member_id"] == bob["id"]
