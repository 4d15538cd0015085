"""The admin panel over HTTP on SQLite and PostgreSQL: who gets in, CSRF, and each view's actions
going through the core services (the browser tests drive the same pages in Chromium)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

from app.core.shared.paging import COUNT_AHEAD
from app.core.shared.principal import Principal, Role
from tests.conftest import settings_for
from tests.e2e.admin.conftest import Panel, running_panel
from tests.e2e.live_site import ADMIN_EMAIL, PASSWORD
from tests.integration.db.test_capped_count import EVENTS, seeded

ADMIN_PAGES = ["users", "expeditions", "events", "reservations", "organizations", "chats", "messages", "jobs"]


async def test_anonymous_visitors_get_nothing_of_the_panel_but_its_login_page(panel: Panel) -> None:
    for path in ["/admin/", "/admin/users/list", "/admin/events/details/1", "/admin/statics/css/main.css"]:
        response = await panel.client.get(path)
        assert (response.status_code, response.headers["location"]) == (302, "/admin/login"), path
        assert response.content == b""
    panel.client.cookies.clear()
    login = await panel.client.get("/admin/login")
    assert login.status_code == 200 and "/admin/statics/" not in login.text
    assert "default-src 'none'" in login.headers["content-security-policy"]
    assert login.headers["x-frame-options"] == "DENY"
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie and "secure" not in cookie


async def test_the_session_cookie_is_secure_when_the_panel_is_served_over_https(panel: Panel) -> None:
    panel.client.cookies.clear()
    login = await panel.client.get("https://testserver/admin/login")
    assert "; secure" in login.headers["set-cookie"].lower()


async def test_a_member_is_refused_at_login_and_gets_no_session(panel: Panel) -> None:
    await panel.api_user("ann@example.com")
    refused = await panel.log_in("ann@example.com")
    assert refused.status_code == 403 and 'data-code="admin_only"' in refused.text
    assert (await panel.client.get("/admin/users/list")).status_code == 302
    wrong = await panel.log_in(ADMIN_EMAIL, "wrong-password")
    assert wrong.status_code == 401 and 'data-code="invalid_credentials"' in wrong.text


async def test_a_form_without_its_csrf_token_is_refused(panel: Panel) -> None:
    no_token = await panel.client.post("/admin/login", data={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert no_token.status_code == 403 and no_token.json()["code"] == "csrf_failed"
    assert (await panel.log_in()).status_code == 302
    user, _ = await panel.api_user("ann@example.com")
    for data in [{}, {"csrf_token": "forged"}]:
        refused = await panel.client.post(f"/admin/users/act/{user['id']}/deactivate", data=data)
        assert refused.status_code == 403 and refused.json() == {
            "status": 403,
            "code": "csrf_failed",
            "detail": "The form's CSRF token is missing or wrong; reload the page.",
        }
    still = await panel.services.accounts.get_profile(actor=Principal(user["id"], frozenset({Role.MEMBER})))
    assert still.is_active


async def test_every_view_lists_and_shows_no_password_hash(panel: Panel) -> None:
    assert (await panel.log_in()).status_code == 302
    for view in ADMIN_PAGES:
        page = await panel.client.get(f"/admin/{view}/list")
        assert page.status_code == 200, (view, page.text[-500:])
        assert page.headers["cache-control"] == "no-store"
    users = (await panel.client.get("/admin/users/list?search=root")).text
    detail = (await panel.client.get("/admin/users/details/1")).text
    assert ADMIN_EMAIL in users and ADMIN_EMAIL in detail
    for text in (users, detail):
        assert "argon2" not in text and "password" not in text.lower()
    assert (await panel.client.get("/admin/statics/css/main.css")).status_code == 200
    assert (await panel.client.get("/admin/users/details/99999999999999999999")).status_code == 404
    assert (await panel.client.get("/admin/events/list?date_from=yesterday")).status_code == 400
    assert (await panel.client.get("/admin/reservations/list?event=-1")).status_code == 400
    control = await panel.client.get("/admin/users/list?search=%00")
    assert control.status_code == 400 and control.json()["code"] == "invalid_text"


async def test_a_login_with_control_characters_is_refused_with_400(panel: Panel) -> None:
    refused = await panel.log_in("root\x00@example.com")
    assert refused.status_code == 400 and 'data-code="invalid_input"' in refused.text


async def test_roles_and_deactivation_go_through_the_accounts_service(panel: Panel) -> None:
    await panel.log_in()
    user, headers = await panel.api_user("ann@example.com")

    granted = await panel.act("users", user["id"], "roles", roles=["organizer", "bogus"])
    assert granted.status_code == 303 and granted.headers["location"].endswith(f"/admin/users/details/{user['id']}")
    me = await panel.client.get("/api/users/me/", headers=headers)
    assert sorted(me.json()["roles"]) == ["member", "organizer"]

    await panel.act("users", user["id"], "deactivate")
    assert (await panel.client.get("/api/users/me/", headers=headers)).status_code == 401
    page = await panel.client.get(f"/admin/users/details/{user['id']}")
    assert "every session of the account has ended" in page.text and 'data-action="reactivate"' in page.text

    last = await panel.act("users", 1, "roles", roles=[])
    assert last.status_code == 303
    assert "last_admin" in (await panel.client.get("/admin/users/details/1")).text


async def test_an_admins_panel_session_ends_when_they_are_demoted_or_deactivated(database_url: str) -> None:
    async with running_panel(settings_for(database_url)) as panel:
        await panel.log_in()
        other = await panel.services.user_admin.create_superuser(email="two@example.com", password=PASSWORD, name="Two")
        assert (await panel.client.get("/admin/users/list")).status_code == 200
        actor = Principal(other.id, frozenset({Role.ADMIN}))
        await panel.services.user_admin.set_roles(actor=actor, user_id=1, roles=frozenset({Role.MEMBER}))
        assert (await panel.client.get("/admin/users/list")).headers["location"] == "/admin/login"

        await panel.services.user_admin.set_roles(actor=actor, user_id=1, roles=frozenset({Role.ADMIN}))
        assert (await panel.log_in()).status_code == 302
        await panel.services.user_admin.set_active(actor=actor, user_id=1, is_active=False)
        assert (await panel.client.get("/admin/")).headers["location"] == "/admin/login"


async def test_an_expired_access_token_is_renewed_once_for_requests_racing_with_it(database_url: str) -> None:
    async with running_panel(settings_for(database_url, access_token_ttl_s=1)) as panel:
        await panel.log_in()
        await asyncio.sleep(2.1)  # the session's access token has expired; its refresh token has not
        pages = await asyncio.gather(*(panel.client.get("/admin/users/list") for _ in range(4)))
        assert [p.status_code for p in pages] == [200] * 4
        assert (await panel.client.get("/admin/jobs/list")).status_code == 200


async def test_logout_ends_the_panel_session(panel: Panel) -> None:
    await panel.log_in()
    assert (await panel.client.get("/admin/logout")).headers["location"].endswith("/admin/login")
    assert (await panel.client.get("/admin/")).status_code == 302


async def test_the_login_form_is_rate_limited_like_the_api_login(database_url: str) -> None:
    async with running_panel(settings_for(database_url, login_rate_limit=2)) as panel:
        codes = [(await panel.log_in(ADMIN_EMAIL, "wrong-password")).status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        limited = await panel.log_in()
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


async def test_event_and_reservation_actions_keep_the_rules_of_the_ticketing_service(panel: Panel) -> None:
    await panel.log_in()
    _, organizer = await panel.api_user("org@example.com", role="member")
    await panel.act("users", 2, "roles", roles=["organizer"])
    starts = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    body = {"title": "Ridge walk", "starts_at": starts, "capacity": 1, "requires_approval": True}
    event = (await panel.client.post("/api/events/", json=body, headers=organizer)).json()
    await panel.act("events", event["id"], "publish")
    _, ann = await panel.api_user("ann@example.com")
    _, bob = await panel.api_user("bob@example.com")
    first = (await panel.client.post(f"/api/events/{event['id']}/reservations/", json={}, headers=ann)).json()
    second = (await panel.client.post(f"/api/events/{event['id']}/reservations/", json={}, headers=bob)).json()
    assert (first["status"], second["status"]) == ("pending", "pending")

    await panel.act("reservations", first["id"], "confirm")
    full = await panel.act("reservations", second["id"], "confirm")
    page = await panel.client.get(full.headers["location"])
    assert "event_full" in page.text  # capacity 1: the core refuses the second confirmation
    detail = await panel.client.get(f"/admin/events/details/{event['id']}")
    counts = re.sub(r"\s+", "", detail.text)
    for label, count in [("Confirmed", 1), ("Waitlisted", 0), ("Pending", 1), ("Checkedin", 0), ("Spotsleft", 0)]:
        assert f"<td>{label}</td><td>{count}</td>" in counts, label
    listed = await panel.client.get("/admin/events/list?status=published")
    assert "Ridge walk" in listed.text
    assert "Ridge walk" not in (await panel.client.get("/admin/events/list?status=draft")).text
    await panel.act("events", event["id"], "cancel")
    mine = await panel.client.get("/api/reservations/", headers=ann)
    assert [r["status"] for r in mine.json()["results"]] == ["cancelled"]


async def test_organization_members_are_added_and_removed_through_the_service(panel: Panel) -> None:
    await panel.log_in()
    ann, headers = await panel.api_user("ann@example.com")
    bob, _ = await panel.api_user("bob@example.com")
    org = (
        await panel.client.post("/api/organizations/", json={"title": "Club", "address": "Kazan"}, headers=headers)
    ).json()

    await panel.act("organizations", org["id"], "add-member", user_id=str(bob["id"]))
    await panel.act("organizations", org["id"], "remove-member", user_id=str(ann["id"]))
    detail = await panel.client.get(f"/admin/organizations/details/{org['id']}")
    card = (await panel.client.get(f"/api/organizations/{org['id']}/", headers=headers)).json()
    assert [m["id"] for m in card["members"]] == [bob["id"]]
    last = await panel.act("organizations", org["id"], "remove-member", user_id=str(bob["id"]))
    assert "last_member" in (await panel.client.get(last.headers["location"])).text
    bad = await panel.act("organizations", org["id"], "add-member", user_id="not-a-number")
    assert "expected a positive id" in (await panel.client.get(bad.headers["location"])).text
    assert "Kazan" in detail.text


async def test_an_expedition_page_lists_its_members_with_their_status(panel: Panel) -> None:
    await panel.log_in()
    _, chief = await panel.api_user("chief@example.com", role="chief")
    ann, _ = await panel.api_user("ann@example.com")
    starts = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    body = {"title": "Arctic", "description": "", "start_at": starts, "capacity": 4}
    expedition = (await panel.client.post("/api/expeditions/", json=body, headers=chief)).json()
    invite = f"/api/expeditions/{expedition['id']}/invite/"
    assert (await panel.client.post(invite, json={"user_id": ann["id"]}, headers=chief)).is_success

    page = re.sub(r"\s+", "", (await panel.client.get(f"/admin/expeditions/details/{expedition['id']}")).text)
    assert f"<td>{ann['id']}</td><td>ann</td><td>ann@example.com</td><td>invited</td>" in page
    listed = await panel.client.get("/admin/expeditions/list?status=draft&chief=2")
    assert "Arctic" in listed.text
    assert "Arctic" not in (await panel.client.get("/admin/expeditions/list?status=active")).text


async def test_a_failed_job_shows_its_error_and_is_retried_once(database_url: str) -> None:
    async with running_panel(settings_for(database_url, jobs_in_process=False)) as panel:
        await panel.log_in()
        job = await panel.services.job_records.enqueue("create_event", {"bad": True})
        claimed = await panel.services.job_records.claim(lease_s=30)
        assert claimed is not None
        await panel.services.job_records.fail(claimed[0], claimed[1], "ValueError: no title", retry_at=None)

        failed = await panel.client.get(f"/admin/jobs/details/{job.id}")
        assert "ValueError: no title" in failed.text and 'data-action="retry"' in failed.text
        retried = await panel.client.get((await panel.act("jobs", job.id, "retry")).headers["location"])
        assert f"Job {job.id} is queued again." in retried.text and 'data-action="retry"' not in retried.text
        again = await panel.client.get((await panel.act("jobs", job.id, "retry")).headers["location"])
        assert "job_not_failed" in again.text
        record = await panel.services.job_records.get(job.id)
        assert record is not None and (record.status.value, record.attempts, record.error) == ("queued", 0, None)


async def test_a_long_list_counts_up_to_a_bound_and_says_at_least(panel: Panel, database_url: str) -> None:
    _, engine = await seeded(database_url)
    await engine.dispose()
    assert (await panel.log_in()).status_code == 302
    first = re.sub(r"\s+", " ", (await panel.client.get("/admin/events/list")).text)
    assert f"of {25 + COUNT_AHEAD:,}+ items" in first
    second = re.sub(r"\s+", " ", (await panel.client.get("/admin/events/list?page=3")).text)
    assert f"of {EVENTS} items" in second  # within reach of the end: exact
    assert "Showing 51 to 75" in second
