"""The public event list over HTTP with its pages kept in memory (a long time to live, so only a
dropped page can explain a change showing): every change to a listed event is seen by the next
request, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import Api, running_api, settings_for
from tests.e2e.ticketing_flow import make_organizer
from tests.integration.db.test_organization_query_count import counting_statements


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


@pytest.mark.parametrize("cache_s", [3600, 0])
async def test_a_repeated_page_is_sent_from_memory_without_sql_while_the_cache_is_on(
    database_url: str, cache_s: int
) -> None:
    async with running_api(settings_for(database_url, event_list_cache_s=cache_s)) as api:
        assert api.services is not None
        _, headers = await make_organizer(api, "olga@example.com")
        for n in range(3):
            created = await call(
                api,
                "POST",
                "/api/events/",
                headers,
                title=f"Hike {n}",
                starts_at="2099-05-01T18:00:00Z",
                capacity=9,
            )
            await call(api, "POST", f"/api/events/{created['id']}/publish/", headers)
        first = await api.client.get("/api/events/?limit=2")
        with counting_statements(api.services.engine) as statements:
            again = await api.client.get("/api/events/?limit=2")
            elsewhere = await api.client.get("/api/events/?limit=2", headers={"host": "other.example.com"})
    assert first.status_code == again.status_code == elsewhere.status_code == 200
    assert again.json() == first.json()
    assert first.json()["next"] == "http://testserver/api/events/?limit=2&offset=2"
    assert elsewhere.json()["next"] == "http://other.example.com/api/events/?limit=2&offset=2"  # its own links
    assert again.headers["x-request-id"] != first.headers["x-request-id"]  # each answer is its own
    assert len(statements) == (1 if cache_s else 2)  # only the page of the other host is read
