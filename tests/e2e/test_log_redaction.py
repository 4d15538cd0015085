"""A real server's logs keep no access token and no ticket secret, with the access log on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import Api, live_server, settings_for, truncate_all
from tests.e2e.ticketing_flow import make_organizer, published_event


async def test_the_access_log_redacts_socket_tokens_and_ticket_secrets(sqlite_url: str, tmp_path: Path) -> None:
    await truncate_all(sqlite_url)
    settings = settings_for(sqlite_url)
    log = tmp_path / "server.log"
    with (
        log.open("wb") as output,
        live_server(settings, env={"LOG_LEVEL": "INFO", "ACCESS_LOG": "true"}, output=output) as server,
    ):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            api = Api(client=client, settings=settings, clock=None)
            _, organizer = await make_organizer(api, "org@example.com")
            event = await published_event(api, organizer)
            _, ann = await api.user("ann@example.com")
            assert (await client.post(f"/api/events/{event['id']}/reservations/", headers=ann)).status_code == 201
            [reservation] = (await client.get("/api/reservations/", headers=ann)).json()["results"]
            secret, token = reservation["ticket_secret"], organizer["Authorization"].split()[1]

            async with websockets.connect(f"{server.ws_url}/ws/events/{event['id']}/?token={token}") as ws:
                assert json.loads(await ws.recv())["event_id"] == event["id"]
            # A refused token is still in the query when the socket is accepted to be closed.
            async with websockets.connect(f"{server.ws_url}/ws/events/{event['id']}/?token={token}x") as ws:
                with pytest.raises(websockets.ConnectionClosed):
                    await ws.recv()
            inspected = await client.get("/api/check-in/", params={"secret": secret}, headers=organizer)
            assert inspected.status_code == 200
            listed = await client.get("/api/events/", params={"limit": 5, "offset": 0})
            assert listed.status_code == 200

    text = log.read_text()
    assert token not in text and secret not in text, text
    assert re.search(r'"GET /api/check-in/?\?secret=\[redacted\] HTTP/1.1" 200', text), text
    # The accepted socket's token left its query once checked; the refused one's is redacted.
    assert re.search(rf'"WebSocket /ws/events/{event["id"]}/?" \[accepted\]', text), text
    assert re.search(rf'"WebSocket /ws/events/{event["id"]}/?\?token=\[redacted\]" \[accepted\]', text), text
    assert re.search(r'"GET /api/events/?\?limit=5&offset=0 HTTP/1.1" 200', text), text  # other parameters kept
