"""Events, reservations, tickets and check-in over HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Api
from tests.e2e.ticketing_flow import STARTS_AT, make_organizer, published_event, qr_text_of_pdf


async def test_reserve_waitlist_promote_ticket_and_check_in_walkthrough(api: Api) -> None:
    _, organizer = await make_organizer(api, "org@example.com")
    event = await published_event(api, organizer, capacity=1, location="Zakopane")
    _, ann = await api.user("ann@example.com")
    bob_user, bob = await api.user("bob@example.com")

    listed = (await api.client.get("/api/events/")).json()
    assert (listed["count"], listed["results"][0]["id"], listed["results"][0]["status"]) == (
        1,
        event["id"],
        "published",
    )

    first = await api.client.post(f"/api/events/{event['id']}/reservations/", headers=ann)
    second = await api.client.post(f"/api/events/{event['id']}/reservations/", headers=bob)
    assert (first.status_code, first.json()["status"], first.json()["position"]) == (201, "confirmed", None)
    assert (second.status_code, second.json()["status"], second.json()["position"]) == (201, "waitlisted", 1)

    cancelled = await api.client.delete(f"/api/reservations/{first.json()['id']}/", headers=ann)
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    [mine] = (await api.client.get("/api/reservations/", headers=bob)).json()["results"]
    assert (mine["status"], mine["position"], mine["user_id"]) == ("confirmed", None, bob_user["id"])

    pdf = await api.client.get(f"/api/reservations/{mine['id']}/ticket/", headers=bob)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"].startswith("application/pdf") and pdf.content.startswith(b"%PDF")
    secret = qr_text_of_pdf(pdf.content)
    assert secret == mine["ticket_secret"]

    inspected = await api.client.get("/api/check-in/", headers={**organizer, "X-Ticket-Secret": secret})
    assert inspected.status_code == 200
    assert (inspected.json()["checked_in_at"], inspected.json()["holder"]["email"]) == (None, "bob@example.com")
    old_scanner = await api.client.get("/api/check-in/", params={"secret": secret}, headers=organizer)
    assert (old_scanner.status_code, old_scanner.json()) == (200, inspected.json())
    missing = await api.client.get("/api/check-in/", headers=organizer)
    assert (missing.status_code, missing.json()["code"]) == (400, "validation_error")
    assert missing.json()["errors"][0]["field"] == "X-Ticket-Secret"
    checked = await api.client.post("/api/check-in/", json={"secret": secret}, headers=organizer)
    assert (checked.status_code, checked.json()["reservation"]["id"]) == (200, mine["id"])
    assert checked.json()["checked_in_at"] is not None
    again = await api.client.post("/api/check-in/", json={"secret": secret}, headers=organizer)
    assert (again.status_code, again.json()["code"]) == (409, "already_checked_in")
    assert again.json()["checked_in_at"] == checked.json()["checked_in_at"]

    [overview] = (await api.client.get("/api/organizer/events/", headers=organizer)).json()["results"]
    assert {k: overview[k] for k in ("confirmed_count", "waitlist_count", "checked_in_count", "spots_left")} == {
        "confirmed_count": 1,
        "waitlist_count": 0,
        "checked_in_count": 1,
        "spots_left": 0,
    }
    metrics = (await api.client.get(f"/api/events/{event['id']}/metrics/")).json()
    assert (metrics["confirmed_count"], metrics["checked_in_count"]) == (1, 1)


async def test_event_refusals_have_codes(api: Api) -> None:
    _, organizer = await make_organizer(api, "org@example.com")
    _, member = await api.user("ann@example.com")
    body = {"title": "Hike", "starts_at": STARTS_AT, "capacity": 2}

    async def status_code(response: Any) -> tuple[int, str]:
        return response.status_code, response.json()["code"]

    assert await status_code(await api.client.post("/api/events/", json=body, headers=member)) == (
        403,
        "organizer_only",
    )
    assert await status_code(await api.client.post("/api/events/", json=body)) == (401, "not_authenticated")
    for bad in (
        {**body, "capacity": 0},
        {**body, "starts_at": "2099-05-01T18:00:00"},
        {**body, "title": ""},
        {**body, "surprise": 1},
        {"title": "Hike"},
    ):
        refused = await api.client.post("/api/events/", json=bad, headers=organizer)
        assert (refused.status_code, refused.json()["code"]) == (400, "validation_error"), bad

    draft = (await api.client.post("/api/events/", json=body, headers=organizer)).json()
    assert draft["status"] == "draft"
    assert await status_code(await api.client.get(f"/api/events/{draft['id']}/")) == (404, "event_not_found")
    assert (await api.client.get(f"/api/events/{draft['id']}/", headers=organizer)).status_code == 200
    assert await status_code(await api.client.post(f"/api/events/{draft['id']}/reservations/", headers=member)) == (
        404,
        "event_not_found",
    )
    patched = await api.client.patch(f"/api/events/{draft['id']}/", json={"capacity": 5}, headers=organizer)
    assert (patched.status_code, patched.json()["capacity"]) == (200, 5)
    assert await status_code(
        await api.client.patch(f"/api/events/{draft['id']}/", json={"title": "Mine"}, headers=member)
    ) == (404, "event_not_found")

    await api.client.post(f"/api/events/{draft['id']}/publish/", headers=organizer)
    assert await status_code(await api.client.post(f"/api/events/{draft['id']}/publish/", headers=organizer)) == (
        409,
        "invalid_transition",
    )
    assert await status_code(await api.client.post(f"/api/events/{draft['id']}/cancel/", headers=member)) == (
        403,
        "not_event_owner",
    )
    await api.client.post(f"/api/events/{draft['id']}/reservations/", headers=member)
    assert await status_code(await api.client.post(f"/api/events/{draft['id']}/reservations/", headers=member)) == (
        409,
        "already_reserved",
    )
    cancelled = await api.client.post(f"/api/events/{draft['id']}/cancel/", headers=organizer)
    assert cancelled.json()["status"] == "cancelled"
    assert await status_code(await api.client.post(f"/api/events/{draft['id']}/reservations/", headers=member)) == (
        409,
        "event_not_open",
    )
    [held] = (await api.client.get("/api/reservations/", headers=member)).json()["results"]
    assert held["status"] == "cancelled"
    assert await status_code(await api.client.get("/api/events/999/")) == (404, "event_not_found")
    assert await status_code(await api.client.post(f"/api/events/{draft['id']}/reservations")) == (
        401,
        "not_authenticated",
    )
    assert (await api.client.get("/api/events")).status_code == 200  # no trailing slash works too
    assert (await api.client.get(f"/api/events/{draft['id']}/reservations", headers=organizer)).status_code == 200


async def test_ticket_and_check_in_refusals_have_codes(api: Api) -> None:
    _, organizer = await make_organizer(api, "org@example.com")
    _, stranger = await make_organizer(api, "other-org@example.com")
    event = await published_event(api, organizer, capacity=1)
    _, ann = await api.user("ann@example.com")
    _, bob = await api.user("bob@example.com")
    held = (await api.client.post(f"/api/events/{event['id']}/reservations/", headers=ann)).json()
    waiting = (await api.client.post(f"/api/events/{event['id']}/reservations/", headers=bob)).json()
    secret = held["ticket_secret"]

    def code(response: Any) -> tuple[int, str]:
        return response.status_code, response.json()["code"]

    assert code(await api.client.get(f"/api/reservations/{waiting['id']}/ticket/", headers=bob)) == (
        409,
        "not_confirmed",
    )
    assert code(await api.client.get(f"/api/reservations/{held['id']}/ticket/", headers=bob)) == (
        404,
        "reservation_not_found",
    )
    assert (await api.client.get(f"/api/reservations/{held['id']}/ticket/", headers=organizer)).status_code == 200
    forged = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    for bad in (forged, "T1.1.abcdefgh.xyz", "nonsense"):
        assert code(await api.client.post("/api/check-in/", json={"secret": bad}, headers=organizer)) == (
            404,
            "invalid_ticket",
        )
    assert code(await api.client.get("/api/check-in/", params={"secret": forged}, headers=organizer)) == (
        404,
        "invalid_ticket",
    )
    assert code(await api.client.get("/api/check-in/", headers={**organizer, "X-Ticket-Secret": forged})) == (
        404,
        "invalid_ticket",
    )
    assert code(await api.client.get("/api/check-in/", headers={**organizer, "X-Ticket-Secret": "x" * 300}))[0] == 400
    assert code(await api.client.post("/api/check-in/", json={"secret": secret}, headers=stranger)) == (
        403,
        "not_event_owner",
    )
    assert code(await api.client.post("/api/check-in/", json={"secret": secret}, headers=ann)) == (
        403,
        "not_event_owner",
    )
    assert code(await api.client.post("/api/check-in/", json={"secret": "x" * 300}, headers=organizer))[0] == 400

    await api.client.delete(f"/api/reservations/{held['id']}/", headers=ann)
    refused = await api.client.post("/api/check-in/", json={"secret": secret}, headers=organizer)
    assert code(refused) == (409, "not_confirmed")
    assert refused.json()["reservation_status"] == "cancelled"
    assert code(await api.client.delete(f"/api/reservations/{held['id']}/", headers=ann)) == (
        409,
        "reservation_not_live",
    )
    assert code(await api.client.delete(f"/api/reservations/{waiting['id']}/", headers=ann)) == (
        404,
        "reservation_not_found",
    )


async def test_approval_events_are_decided_by_the_organizer(api: Api) -> None:
    _, organizer = await make_organizer(api, "org@example.com")
    event = await published_event(api, organizer, capacity=1, requires_approval=True)
    _, ann = await api.user("ann@example.com")
    _, bob = await api.user("bob@example.com")
    first = (await api.client.post(f"/api/events/{event['id']}/reservations/", headers=ann)).json()
    second = (await api.client.post(f"/api/events/{event['id']}/reservations/", headers=bob)).json()
    assert (first["status"], second["status"]) == ("pending", "pending")

    pending = await api.client.get(f"/api/events/{event['id']}/reservations/?status=pending", headers=organizer)
    assert [(r["id"], r["holder"]["email"]) for r in pending.json()["results"]] == [
        (first["id"], "ann@example.com"),
        (second["id"], "bob@example.com"),
    ]
    assert (await api.client.get(f"/api/events/{event['id']}/reservations/", headers=ann)).status_code == 403
    bad_filter = await api.client.get(f"/api/events/{event['id']}/reservations/?status=maybe", headers=organizer)
    assert bad_filter.status_code == 400

    confirmed = await api.client.post(f"/api/reservations/{first['id']}/confirm/", headers=organizer)
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "confirmed")
    full = await api.client.post(f"/api/reservations/{second['id']}/confirm/", headers=organizer)
    assert (full.status_code, full.json()["code"]) == (409, "event_full")
    rejected = await api.client.post(f"/api/reservations/{second['id']}/reject/", headers=organizer)
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    again = await api.client.post(f"/api/reservations/{second['id']}/reject/", headers=organizer)
    assert (again.status_code, again.json()["code"]) == (409, "not_pending")
    by_holder = await api.client.post(f"/api/reservations/{second['id']}/confirm/", headers=bob)
    assert (by_holder.status_code, by_holder.json()["code"]) == (404, "reservation_not_found")


async def test_public_list_pages_with_limit_and_offset(api: Api) -> None:
    _, organizer = await make_organizer(api, "org@example.com")
    ids = [(await published_event(api, organizer, title=f"Event {i}"))["id"] for i in range(3)]
    await api.client.post(
        "/api/events/", json={"title": "Draft", "starts_at": STARTS_AT, "capacity": 1}, headers=organizer
    )

    first = (await api.client.get("/api/events/?limit=2")).json()
    assert (first["count"], [e["id"] for e in first["results"]], first["previous"]) == (3, ids[:2], None)
    assert first["next"] is not None and "offset=2" in first["next"]
    second = (await api.client.get("/api/events/?limit=2&offset=2")).json()
    assert ([e["id"] for e in second["results"]], second["next"]) == (ids[2:], None)
    assert second["previous"] is not None
    own = (await api.client.get("/api/organizer/events/", headers=organizer)).json()
    assert own["count"] == 4
    _, member = await api.user("ann@example.com")
    refused = await api.client.get("/api/organizer/events/", headers=member)
    assert (refused.status_code, refused.json()["code"]) == (403, "organizer_only")


async def test_concurrent_reservations_and_cancellations_keep_capacity_on_either_database(api: Api) -> None:
    _, organizer = await make_organizer(api, "org@example.com")
    event = await published_event(api, organizer, capacity=3)
    users = [(await api.user(f"u{i}@example.com"))[1] for i in range(12)]
    url = f"/api/events/{event['id']}/reservations/"
    first = await asyncio.gather(*(api.client.post(url, headers=h) for h in users[:8]))
    assert sorted(r.json()["status"] for r in first) == ["confirmed"] * 3 + ["waitlisted"] * 5

    leaving = [(r.json()["id"], users[i]) for i, r in enumerate(first) if r.json()["status"] == "confirmed"]
    responses = await asyncio.gather(
        *(api.client.delete(f"/api/reservations/{rid}/", headers=holder) for rid, holder in leaving),
        *(api.client.post(url, headers=h) for h in users[8:]),
    )
    assert all(r.status_code in {200, 201} for r in responses), [r.text for r in responses]
    listed = (await api.client.get(f"{url}?limit=50", headers=organizer)).json()["results"]
    confirmed = [r for r in listed if r["status"] == "confirmed"]
    waiting = sorted((r for r in listed if r["status"] == "waitlisted"), key=lambda r: r["id"])
    assert len(confirmed) == 3
    assert [r["position"] for r in waiting] == list(range(1, len(waiting) + 1))
    assert len(waiting) == 12 - 3 - 3
