"""The event directory over HTTP, on SQLite and on PostgreSQL: events organized by several
organizations, the filtered and ordered public list, cover images, deferred creation."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url
from tests.conftest import Api, running_api, settings_for
from tests.e2e.api.test_organizations import poll_job
from tests.e2e.ticketing_flow import make_organizer

MAX_IMAGE_BYTES = 20_000
MAX_IMAGE_PIXELS = 1_000_000
MAX_IMAGE_SIDE = 600


@pytest.fixture
async def directory_api(database_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """The app with uploads in a temporary folder, small images and a short creation delay."""
    settings = settings_for(
        database_url,
        media_root=str(tmp_path / "media"),
        image_max_bytes=MAX_IMAGE_BYTES,
        image_max_pixels=MAX_IMAGE_PIXELS,
        image_max_side=MAX_IMAGE_SIDE,
        event_create_delay_s=0.05,
    )
    async with running_api(settings) as running:
        yield running


async def organization(api: Api, headers: dict[str, str], title: str, **body: Any) -> dict[str, Any]:
    response = await api.client.post("/api/organizations/", json={"title": title, **body}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def event(api: Api, headers: dict[str, str], *, publish: bool = True, **fields: Any) -> dict[str, Any]:
    body = {"title": "Night hike", "starts_at": "2099-05-01T18:00:00Z", "capacity": 10, **fields}
    created = await api.client.post("/api/events/", json=body, headers=headers)
    assert created.status_code == 201, created.text
    if not publish:
        return dict(created.json())
    published = await api.client.post(f"/api/events/{created.json()['id']}/publish/", headers=headers)
    assert published.status_code == 200, published.text
    return dict(published.json())


async def deactivate(api: Api, user_id: int) -> None:
    engine = create_async_engine(async_url(api.settings.database_url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": user_id})
    finally:
        await engine.dispose()


def png(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_detail_groups_active_members_by_organization_with_full_address(directory_api: Api) -> None:
    api = directory_api
    organizer_user, organizer = await make_organizer(api, "org@example.com")
    ann, ann_headers = await api.user("ann@example.com")
    bob, _ = await api.user("bob@example.com")
    carl, _ = await api.user("carl@example.com")
    rescue = await organization(
        api, ann_headers, "Mountain Rescue", postcode="101000", address="Moscow, Tverskaya 1", member_ids=[bob["id"]]
    )
    guides = await organization(api, ann_headers, "River Guides", address="Kazan", member_ids=[carl["id"]])
    await deactivate(api, bob["id"])

    created = await event(api, organizer, publish=False, organization_ids=[guides["id"], rescue["id"], rescue["id"]])
    detail = (await api.client.get(f"/api/events/{created['id']}/")).json()  # published below; drafts: owner
    assert detail["code"] == "event_not_found"
    await api.client.post(f"/api/events/{created['id']}/publish/", headers=organizer)
    detail = (await api.client.get(f"/api/events/{created['id']}/")).json()

    assert created["status"] == "draft" and created["owner_id"] == organizer_user["id"]
    assert [o["id"] for o in created["organizations"]] == [rescue["id"], guides["id"]]
    assert [(o["title"], o["full_address"]) for o in detail["organizations"]] == [
        ("Mountain Rescue", "101000, Moscow, Tverskaya 1"),
        ("River Guides", "Kazan"),
    ]
    assert detail["organizations"][0]["members"] == [{"id": ann["id"], "name": "ann", "email": "ann@example.com"}]
    assert [m["email"] for m in detail["organizations"][1]["members"]] == ["ann@example.com", "carl@example.com"]
    assert (detail["image_url"], detail["thumbnail_url"]) == (None, None)


async def test_edit_replaces_the_organizations_and_refuses_unknown_ones(directory_api: Api) -> None:
    api = directory_api
    _, organizer = await make_organizer(api, "org@example.com")
    first = await organization(api, organizer, "First")
    second = await organization(api, organizer, "Second")
    created = await event(api, organizer, organization_ids=[first["id"]])
    url = f"/api/events/{created['id']}/"

    moved = await api.client.patch(url, json={"organization_ids": [second["id"]], "capacity": 7}, headers=organizer)
    assert moved.status_code == 200, moved.text
    assert ([o["title"] for o in moved.json()["organizations"]], moved.json()["capacity"]) == (["Second"], 7)
    untouched = await api.client.patch(url, json={"title": "Renamed"}, headers=organizer)
    assert [o["title"] for o in untouched.json()["organizations"]] == ["Second"]
    cleared = await api.client.patch(url, json={"organization_ids": []}, headers=organizer)
    assert cleared.json()["organizations"] == []

    refused = await api.client.patch(url, json={"organization_ids": [second["id"], 424242]}, headers=organizer)
    assert (refused.status_code, refused.json()["code"]) == (400, "unknown_organizations")
    assert refused.json()["errors"] == [{"field": "organization_ids", "message": "unknown organization id 424242"}]
    assert (await api.client.get(url)).json()["organizations"] == []  # nothing of the refused edit stayed
    bodies: list[dict[str, object]] = [{"organization_ids": [0]}, {"organization_ids": ["x"]}, {"organization_ids": 1}]
    for body in bodies:
        bad = await api.client.patch(url, json=body, headers=organizer)
        assert (bad.status_code, bad.json()["code"]) == (400, "validation_error"), body
    body = {"title": "X", "starts_at": "2099-05-01T18:00:00Z", "capacity": 1, "organization_ids": [424242]}
    on_create = await api.client.post("/api/events/", json=body, headers=organizer)
    assert (on_create.status_code, on_create.json()["code"]) == (400, "unknown_organizations")
    listed = (await api.client.get("/api/events/")).json()
    assert [e["title"] for e in listed["results"]] == ["Renamed"]  # the refused creation left nothing


async def seed_list(api: Api) -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
    """Five published events over three days (two at the same instant), a draft and a cancelled one."""
    _, organizer = await make_organizer(api, "org@example.com")
    alpha = await organization(api, organizer, "Alpha")
    beta = await organization(api, organizer, "Beta")
    ids = {}
    for title, starts_at, organizations in [
        ("Night Hike", "2099-05-01T18:00:00Z", [alpha["id"]]),
        ("Morning hike", "2099-05-01T06:00:00Z", [alpha["id"], beta["id"]]),
        ("River rafting", "2099-05-02T10:00:00Z", [beta["id"]]),
        ("Hike to the lake", "2099-05-03T10:00:00Z", []),
        ("Кинопоказ под открытым небом", "2099-05-03T10:00:00Z", [alpha["id"]]),
    ]:
        ids[title] = (await event(api, organizer, title=title, starts_at=starts_at, organization_ids=organizations))[
            "id"
        ]
    await event(api, organizer, publish=False, title="Draft hike", starts_at="2099-05-01T12:00:00Z")
    cancelled = await event(api, organizer, title="Cancelled hike", starts_at="2099-05-01T12:00:00Z")
    await api.client.post(f"/api/events/{cancelled['id']}/cancel/", headers=organizer)
    return organizer, ids, {"alpha": alpha["id"], "beta": beta["id"]}


async def titles(api: Api, query: str) -> list[str]:
    response = await api.client.get(f"/api/events/?{query}")
    assert response.status_code == 200, response.text
    return [e["title"] for e in response.json()["results"]]


async def test_list_filters_searches_and_orders_published_events(directory_api: Api) -> None:
    api = directory_api
    _, ids, organizations = await seed_list(api)
    lake_and_film = sorted([ids["Hike to the lake"], ids["Кинопоказ под открытым небом"]])
    by_id = {v: k for k, v in ids.items()}

    soonest = ["Morning hike", "Night Hike", "River rafting", *[by_id[i] for i in lake_and_film]]
    assert await titles(api, "") == soonest
    assert await titles(api, "ordering=date") == soonest
    assert await titles(api, "ordering=-date") == list(reversed(soonest))
    assert await titles(api, "search=HIKE") == ["Morning hike", "Night Hike", "Hike to the lake"]
    assert await titles(api, "search=кинопоказ") == ["Кинопоказ под открытым небом"]
    assert await titles(api, "search=%25") == []  # LIKE wildcards are matched literally
    assert await titles(api, "date=2099-05-01") == ["Morning hike", "Night Hike"]
    assert await titles(api, "date__gte=2099-05-02") == soonest[2:]
    assert await titles(api, "date__lte=2099-05-02") == soonest[:3]
    assert await titles(api, "date__gte=2099-05-01T12:00:00Z&date__lte=2099-05-02T10:00:00Z") == soonest[1:3]
    assert await titles(api, "date__gte=2099-05-01T14:00:00%2B02:00") == soonest[1:]  # 12:00 UTC
    assert await titles(api, "date=2099-05-01&date__gte=2099-05-01T12:00:00Z") == ["Night Hike"]
    assert await titles(api, f"organization={organizations['alpha']}") == [
        "Morning hike",
        "Night Hike",
        "Кинопоказ под открытым небом",
    ]
    assert await titles(api, f"organization={organizations['beta']}&ordering=-date") == [
        "River rafting",
        "Morning hike",
    ]
    assert await titles(api, "organization=999999") == []
    assert await titles(api, f"search=hike&organization={organizations['beta']}&date=2099-05-01") == ["Morning hike"]


async def test_list_pages_keep_the_filters_and_edges_are_answered(directory_api: Api) -> None:
    api = directory_api
    await seed_list(api)

    first = (await api.client.get("/api/events/?search=hike&ordering=-date&limit=2")).json()
    assert (first["count"], [e["title"] for e in first["results"]], first["previous"]) == (
        3,
        ["Hike to the lake", "Night Hike"],
        None,
    )
    assert "search=hike" in first["next"] and "ordering=-date" in first["next"] and "offset=2" in first["next"]
    second = (await api.client.get(first["next"])).json()
    assert ([e["title"] for e in second["results"]], second["next"]) == (["Morning hike"], None)
    assert "offset=0" in second["previous"]

    counted = (await api.client.get("/api/events/?limit=0")).json()
    assert (counted["count"], counted["results"], counted["next"], counted["previous"]) == (5, [], None, None)
    beyond = (await api.client.get("/api/events/?offset=1000000000")).json()
    assert (beyond["count"], beyond["results"], beyond["next"]) == (5, [], None)
    assert beyond["previous"] is not None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date=2099-13-01", "date"),
        ("date=tomorrow", "date"),
        ("date=2099-05-01T10:00:00Z", "date"),
        ("date__gte=nope", "date__gte"),
        ("date__lte=2099-05-01T10:00:00", "date__lte"),
        ("ordering=title", "ordering"),
        ("ordering=", "ordering"),
        ("limit=-1", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("offset=-5", "offset"),
        ("organization=abc", "organization"),
        ("organization=0", "organization"),
        ("search=" + "x" * 201, "search"),
    ],
)
async def test_list_refuses_bad_parameters_naming_the_field(api: Api, query: str, field: str) -> None:
    response = await api.client.get(f"/api/events/?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "validation_error"), response.text
    assert field in [error["field"] for error in response.json()["errors"]], response.json()


async def test_prefer_respond_async_creates_the_event_in_a_job_after_the_delay(directory_api: Api) -> None:
    api = directory_api
    organizer_user, organizer = await make_organizer(api, "org@example.com")
    _, stranger = await api.user("ann@example.com")
    club = await organization(api, organizer, "Club", postcode="420000", address="Kazan")
    body = {"title": "Later", "starts_at": "2099-05-01T18:00:00Z", "capacity": 3, "organization_ids": [club["id"]]}

    accepted = await api.client.post("/api/events/", json=body, headers={**organizer, "Prefer": "respond-async"})

    assert accepted.status_code == 202, accepted.text
    job = accepted.json()
    assert accepted.headers["location"] == f"/api/jobs/{job['id']}/"
    assert (job["kind"], job["status"], job["result"]) == ("create_event", "queued", None)
    done = await poll_job(api, accepted.headers["location"], organizer)
    assert done["status"] == "done", done
    event_id = done["result"]["event_id"]
    assert done["location"] == f"/api/events/{event_id}/"
    created = (await api.client.get(done["location"], headers=organizer)).json()
    assert (created["title"], created["status"], created["owner_id"]) == ("Later", "draft", organizer_user["id"])
    assert [(o["title"], o["full_address"]) for o in created["organizations"]] == [("Club", "420000, Kazan")]
    hidden = await api.client.get(accepted.headers["location"], headers=stranger)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "job_not_found")


async def test_prefer_respond_async_checks_everything_before_queueing(directory_api: Api) -> None:
    api = directory_api
    _, organizer = await make_organizer(api, "org@example.com")
    _, member = await api.user("ann@example.com")
    prefer = {"Prefer": "respond-async"}
    body = {"title": "Later", "starts_at": "2099-05-01T18:00:00Z", "capacity": 3}

    for headers, bad, status, code in [
        (organizer, {**body, "capacity": 0}, 400, "validation_error"),
        (organizer, {**body, "title": "   "}, 400, "invalid_event"),
        (organizer, {**body, "organization_ids": [424242]}, 400, "unknown_organizations"),
        (member, body, 403, "organizer_only"),
    ]:
        response = await api.client.post("/api/events/", json=bad, headers={**headers, **prefer})
        assert (response.status_code, response.json()["code"]) == (status, code), bad
    assert (await api.client.get("/api/jobs/1/", headers=organizer)).status_code == 404  # nothing was queued


async def test_image_upload_stores_a_bounded_reencoded_copy_and_its_thumbnail(directory_api: Api) -> None:
    api = directory_api
    _, organizer = await make_organizer(api, "org@example.com")
    created = await event(api, organizer)
    url = f"/api/events/{created['id']}/image/"

    uploaded = await api.client.put(url, files={"image": ("cover.png", png(640, 480), "image/png")}, headers=organizer)

    assert uploaded.status_code == 200, uploaded.text
    image_url, thumbnail_url = uploaded.json()["image_url"], uploaded.json()["thumbnail_url"]
    assert image_url.startswith(f"/media/events/{created['id']}/") and image_url.endswith(".jpg")
    image = await api.client.get(image_url)
    assert image.status_code == 200 and image.content != png(640, 480)  # a copy, never the uploaded bytes
    assert (image.headers["content-type"], image.headers["x-content-type-options"]) == ("image/jpeg", "nosniff")
    with Image.open(io.BytesIO(image.content)) as served:
        assert (served.format, served.size) == ("JPEG", (MAX_IMAGE_SIDE, 450))
    thumbnail = await api.client.get(thumbnail_url)
    assert thumbnail.status_code == 200
    assert max(Image.open(io.BytesIO(thumbnail.content)).size) <= api.settings.thumbnail_size
    detail = (await api.client.get(f"/api/events/{created['id']}/")).json()
    assert (detail["image_url"], detail["thumbnail_url"]) == (image_url, thumbnail_url)
    [listed] = (await api.client.get("/api/events/")).json()["results"]
    assert listed["thumbnail_url"] == thumbnail_url

    replaced = await api.client.put(url, files={"image": ("new.png", png(32, 32), "image/png")}, headers=organizer)
    assert replaced.status_code == 200 and replaced.json()["image_url"] != image_url
    assert (await api.client.get(replaced.json()["thumbnail_url"])).status_code == 200
    assert [(await api.client.get(old)).status_code for old in (image_url, thumbnail_url)] == [404, 404]


async def test_image_upload_refusals_have_codes(directory_api: Api) -> None:
    api = directory_api
    _, organizer = await make_organizer(api, "org@example.com")
    _, other = await api.user("ann@example.com")
    published = await event(api, organizer)
    draft = await event(api, organizer, publish=False, title="Draft")
    cancelled = await event(api, organizer, title="Gone")
    await api.client.post(f"/api/events/{cancelled['id']}/cancel/", headers=organizer)

    def upload(event_id: int, content: bytes, headers: dict[str, str] | None = None) -> Any:
        return api.client.put(
            f"/api/events/{event_id}/image/", files={"image": ("x.png", content, "image/png")}, headers=headers
        )

    oversize = png(400, 400) + b"\0" * MAX_IMAGE_BYTES
    for response, status, code in [
        (await upload(published["id"], b"not an image at all", organizer), 400, "invalid_image"),
        (await upload(published["id"], oversize, organizer), 413, "image_too_large"),
        (await upload(published["id"], png(1001, 1000), organizer), 413, "image_too_large"),  # pixels
        (await upload(published["id"], png(), other), 403, "not_event_owner"),
        (await upload(draft["id"], png(), other), 404, "event_not_found"),
        (await upload(cancelled["id"], png(), organizer), 409, "event_not_editable"),
        (await upload(999999, png(), organizer), 404, "event_not_found"),
        (await upload(published["id"], png()), 401, "not_authenticated"),
    ]:
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
    missing_field = await api.client.put(
        f"/api/events/{published['id']}/image/", files={"picture": ("x.png", png(), "image/png")}, headers=organizer
    )
    assert missing_field.status_code == 400
    detail = (await api.client.get(f"/api/events/{published['id']}/")).json()
    assert detail["image_url"] is None
    stored = await asyncio.to_thread(lambda: [p for p in Path(api.settings.media_root).rglob("*") if p.is_file()])
    assert stored == []  # refused uploads store nothing
