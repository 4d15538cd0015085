"""Reservations and check-ins racing on PostgreSQL: the event row lock and the reservation row lock
keep capacity, the waiting list's order and single check-in, whatever the interleaving."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import Api, live_server, running_api, settings_for, truncate_all
from tests.e2e.ticketing_flow import make_organizer, published_event

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@dataclass
class Arena:
    api: Api
    organizer: dict[str, str]
    event: dict[str, Any]
    users: list[dict[str, str]]


@contextlib.asynccontextmanager
async def arena(postgres_url: str, *, capacity: int, users: int) -> AsyncIterator[Arena]:
    """An empty database, the app, an organizer's published event and ``users`` logged-in users."""
    await truncate_all(postgres_url)
    async with running_api(settings_for(postgres_url)) as api:
        _, organizer = await make_organizer(api, "org@example.com")
        event = await published_event(api, organizer, capacity=capacity)

        async def one(index: int) -> dict[str, str]:
            email = f"racer{index}@example.com"
            await api.register(email)
            return {"Authorization": f"Bearer {(await api.login(email))['access']}"}

        yield Arena(api, organizer, event, list(await asyncio.gather(*(one(i) for i in range(users)))))


async def test_200_concurrent_reservations_confirm_exactly_capacity_and_queue_the_rest(postgres_url: str) -> None:
    async with arena(postgres_url, capacity=20, users=200) as a:
        api, event, users = a.api, a.event, a.users

        responses = await asyncio.gather(
            *(api.client.post(f"/api/events/{event['id']}/reservations/", headers=h) for h in users)
        )

        assert [r.status_code for r in responses] == [201] * 200, [r.text for r in responses if r.status_code != 201]
        bodies = [r.json() for r in responses]
        assert Counter(b["status"] for b in bodies) == {"confirmed": 20, "waitlisted": 180}
        positions = sorted(b["position"] for b in bodies if b["status"] == "waitlisted")
        assert positions == list(range(1, 181))
        by_id = sorted((b for b in bodies if b["status"] == "waitlisted"), key=lambda b: b["id"])
        assert [b["position"] for b in by_id] == list(range(1, 181))  # first come, first served
        metrics = (await api.client.get(f"/api/events/{event['id']}/metrics/")).json()
        assert (metrics["confirmed_count"], metrics["waitlist_count"], metrics["spots_left"]) == (20, 180, 0)


async def test_concurrent_cancellations_and_reservations_keep_the_waiting_list_whole(postgres_url: str) -> None:
    async with arena(postgres_url, capacity=5, users=40) as a:
        api, organizer, event, users = a.api, a.organizer, a.event, a.users
        url = f"/api/events/{event['id']}/reservations/"
        held = [(await api.client.post(url, headers=h)).json() for h in users[:25]]

        leaving = [*range(5), *range(10, 13)]  # five confirmed and three waitlisted holders cancel
        cancels = [api.client.delete(f"/api/reservations/{held[i]['id']}/", headers=users[i]) for i in leaving]
        newcomers = [api.client.post(url, headers=h) for h in users[25:]]
        responses = await asyncio.gather(*cancels, *newcomers)
        assert all(r.status_code in {200, 201} for r in responses), [r.text for r in responses]

        listed: list[dict[str, Any]] = (await api.client.get(f"{url}?limit=100", headers=organizer)).json()["results"]
        confirmed = [r for r in listed if r["status"] == "confirmed"]
        waiting = sorted((r for r in listed if r["status"] == "waitlisted"), key=lambda r: r["id"])
        assert len(confirmed) == 5
        assert [r["position"] for r in waiting] == list(range(1, len(waiting) + 1))
        assert len(confirmed) + len(waiting) == 40 - 8


async def test_two_scanners_checking_in_one_ticket_at_once_let_exactly_one_through(postgres_url: str) -> None:
    async with arena(postgres_url, capacity=10, users=10) as a:
        api, organizer, event, users = a.api, a.organizer, a.event, a.users
        secrets = [
            (await api.client.post(f"/api/events/{event['id']}/reservations/", headers=h)).json()["ticket_secret"]
            for h in users
        ]
        for secret in secrets:
            results = await asyncio.gather(
                *(api.client.post("/api/check-in/", json={"secret": secret}, headers=organizer) for _ in range(2))
            )
            codes = sorted(r.status_code for r in results)
            assert codes == [200, 409], [r.text for r in results]
            loser = next(r for r in results if r.status_code == 409).json()
            winner = next(r for r in results if r.status_code == 200).json()
            assert loser["code"] == "already_checked_in"
            assert loser["checked_in_at"] == winner["checked_in_at"]
        metrics = (await api.client.get(f"/api/events/{event['id']}/metrics/")).json()
        assert metrics["checked_in_count"] == 10


async def test_reservations_racing_through_two_server_processes_keep_capacity_and_order(postgres_url: str) -> None:
    await truncate_all(postgres_url)
    settings = settings_for(postgres_url)
    with live_server(settings) as first, live_server(settings) as second:
        async with (
            httpx.AsyncClient(base_url=first.base_url, timeout=30) as one,
            httpx.AsyncClient(base_url=second.base_url, timeout=30) as other,
        ):
            api = Api(client=one, settings=settings, clock=None)
            _, organizer = await make_organizer(api, "org@example.com")
            event = await published_event(api, organizer, capacity=10)
            users = [(await api.user(f"racer{i}@example.com"))[1] for i in range(60)]
            url = f"/api/events/{event['id']}/reservations/"

            responses = await asyncio.gather(
                *((one if i % 2 else other).post(url, headers=h) for i, h in enumerate(users))
            )

            assert [r.status_code for r in responses] == [201] * 60, [r.text for r in responses]
            bodies = [r.json() for r in responses]
            assert Counter(b["status"] for b in bodies) == {"confirmed": 10, "waitlisted": 50}
            waiting = sorted((b for b in bodies if b["status"] == "waitlisted"), key=lambda b: b["id"])
            assert [b["position"] for b in waiting] == list(range(1, 51))
