"""A real server with ``LOG_FORMAT=json``: after HTTP traffic and a live socket, ``/metrics`` has the
request, socket, delivery, batch and job series, and every log line is one JSON object, the request's
lines carrying its id."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Api, live_server, settings_for, truncate_all
from tests.e2e.ticketing_flow import event_watch

pytestmark = pytest.mark.slow

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def wait_for_job(client: httpx.AsyncClient, location: str, headers: dict[str, str]) -> None:
    for _ in range(100):
        job = (await client.get(location, headers=headers)).json()
        if job["status"] == "done":
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"job did not finish: {job}")


async def test_metrics_and_json_logs_of_a_real_server_after_http_and_socket_traffic(
    sqlite_url: str, tmp_path: Path
) -> None:
    await truncate_all(sqlite_url)
    settings = settings_for(sqlite_url)
    log = tmp_path / "server.log"
    env = {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "ACCESS_LOG": "true"}
    with log.open("wb") as output, live_server(settings, env=env, output=output) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            api = Api(client=client, settings=settings, clock=None)
            organizer, event, ann, token = await event_watch(api, capacity=5)
            socket_route = "/ws/events/{event_id}"

            async with websockets.connect(f"{server.ws_url}/ws/events/{event['id']}/?token={token}") as ws:
                first: dict[str, Any] = json.loads(await ws.recv())
                assert first["type"] == "metrics"
                during = await scrape(client)
                reserved = await client.post(
                    f"/api/events/{event['id']}/reservations/", headers={**ann, "X-Request-ID": "reserve-1"}
                )
                assert reserved.status_code == 201, reserved.text
                assert reserved.headers["x-request-id"] == "reserve-1"
                update = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                assert update["confirmed_count"] == 1  # delivered to this socket

            ticket = await client.get(f"/api/reservations/{reserved.json()['id']}/ticket/", headers=ann)
            assert ticket.status_code == 200 and ticket.content.startswith(b"%PDF")  # fontTools subsets a font

            created = await client.post(
                "/api/organizations/",
                json={"title": "Mountain Rescue", "postcode": "420000"},
                headers={**organizer, "Prefer": "respond-async"},
            )
            assert created.status_code == 202, created.text
            await wait_for_job(client, created.headers["location"], organizer)
            made = created.headers.get("x-request-id", "")
            assert len(made) == 32 and int(made, 16) >= 0  # none given: a new one
            await asyncio.sleep(0.3)  # the socket's close reaches the server
            after = await scrape(client)

    assert value(during, "muster_websockets_open", route=socket_route) == 1
    assert value(after, "muster_websockets_open", route=socket_route) == 0
    assert value(after, "muster_websocket_connections_total", route=socket_route) == 1
    reservations = "/api/events/{event_id}/reservations"
    assert value(after, "muster_http_requests_total", method="POST", route=reservations, status="201") == 1
    assert value(after, "muster_http_request_duration_seconds_count", method="POST", route=reservations) == 1
    assert not any(name == "muster_http_requests_total" and ("route", f"/api/events/{event['id']}/reservations")
                   in labels for name, labels in after)  # fmt: skip
    assert value(after, "muster_event_deliveries_total") == 1  # the reservation's snapshot, to the one socket
    assert sum(v for (name, _), v in after.items() if name == "muster_events_published_total") >= 1
    assert value(after, "muster_batch_size_count", kind="reservations") >= 1
    assert value(after, "muster_job_duration_seconds_count", kind="create_organization", outcome="done") == 1
    assert ("muster_jobs_queued", frozenset()) in after
    assert value(after, "muster_publish_failures_total") == 0

    lines = [line for line in log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    of_reservation = [entry for entry in entries if entry.get("request_id") == "reserve-1"]
    access = [entry for entry in of_reservation if entry["logger"] == "app.access"]
    assert [(a["method"], a["status"], a["route"]) for a in access] == [("POST", 201, reservations)]
    assert access[0]["duration_ms"] > 0 and access[0]["path"] == f"/api/events/{event['id']}/reservations/"
    assert any(entry["logger"] == "app.mail" for entry in of_reservation)  # the app's own line, same id
    sockets = [e for e in entries if e["logger"] == "app.access" and e["method"] == "WEBSOCKET"]
    # the token left the socket's query string once checked: its access line names the path alone
    assert sockets and all("token" not in e["path"] for e in sockets) and token not in log.read_text()
    assert not any(entry["logger"].startswith("fontTools") for entry in entries)
