"""The public event list over HTTP with its pages kept in memory (a long time to live, so only a
dropped page can explain a change showing): every change to a listed event is seen by the next
request, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import Api, running_api, settings_for
from tests.e2e.ticketing_flow import make_organizer


@pytest.fixture
async def cached_api(database_url: str) -> AsyncIterator[Api]:
    async with running_api(settings_for(database_url, event_list_cache_s=3600)) as running:
        yield running


async def titles(api: Api, query: str = "") -> list[str]:
    response = await api.client.get(f"/api/events/?limit=20{query}")
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["results"]]


async def call(api: Api, method: str, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await api.client.request(method, path, json=body or None, headers=headers)
    assert response.status_code in {200, 201}, response.text
    return dict(response.json())


async def test_every_change_to_an_event_is_listed_by_the_next_request_when_pages_are_kept(cached_api: Api) -> None:
    api = cached_api
    _, headers = await make_organizer(api, "olga@example.com")
    assert await titles(api) == []
    created = await call(
        api, "POST", "/api/events/", headers, title="Night hike", starts_at="2099-05-01T18:00:00Z", capacity=10
    )
    assert await titles(api) == []  # a draft is not listed
    await call(api, "POST", f"/api/events/{created['id']}/publish/", headers)
    assert await titles(api) == ["Night hike"]
    await call(api, "PATCH", f"/api/events/{created['id']}/", headers, title="Night hike, renamed")
    assert await titles(api) == ["Night hike, renamed"]
    guides = await call(api, "POST", "/api/organizations/", headers, title="River Guides")
    assert await titles(api, f"&organization={guides['id']}") == []
    await call(api, "PATCH", f"/api/events/{created['id']}/", headers, organization_ids=[guides["id"]])
    assert await titles(api, f"&organization={guides['id']}") == ["Night hike, renamed"]
    await call(api, "POST", f"/api/events/{created['id']}/cancel/", headers)
    assert await titles(api) == []
