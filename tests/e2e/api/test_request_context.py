"""Request ids and ``/metrics`` through the app in process: the id a client sends (when sane) comes
back, any other gets a new one; ``METRICS_TOKEN`` guards the metrics; ``METRICS_ENABLED=false`` hides them."""

from __future__ import annotations

import pytest

from tests.conftest import running_api, settings_for


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("0f6c1c1e-aa4e-4a5e-9d0e-3b6f1e5b7c2d", True), ("edge.42:7/x+y=", True), ("two words", False),
     ("x" * 129, False), ("", False), ("caf\u00e9", False)],
)  # fmt: skip
async def test_a_sane_request_id_is_answered_as_sent_and_any_other_replaced(
    sqlite_url: str, sent: str, kept: bool
) -> None:
    async with running_api(settings_for(sqlite_url)) as api:
        response = await api.client.get("/health/", headers={b"X-Request-ID": sent.encode("utf-8")})
        missing = await api.client.get("/api/no-such-thing/")
    answered = response.headers["x-request-id"]
    assert (answered == sent) is kept
    if not kept:
        assert len(answered) == 32 and int(answered, 16) >= 0
    assert missing.status_code == 404 and len(missing.headers["x-request-id"]) == 32  # also before routing


async def test_metrics_need_the_token_when_one_is_set(sqlite_url: str) -> None:
    async with running_api(settings_for(sqlite_url, metrics_token="scrape-me-0123456789")) as api:
        bare = await api.client.get("/metrics")
        wrong = await api.client.get("/metrics", headers={"Authorization": "Bearer scrape-me-x"})
        right = await api.client.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"})
    assert (bare.status_code, bare.json()["code"]) == (401, "not_authenticated")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "not_authenticated")
    assert right.status_code == 200 and "muster_http_requests_total" in right.text


async def test_metrics_are_not_served_when_disabled(sqlite_url: str) -> None:
    async with running_api(settings_for(sqlite_url, metrics_enabled=False)) as api:
        response = await api.client.get("/metrics")
    assert response.status_code == 404
