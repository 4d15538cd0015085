"""Ticketing e-mails: sent after the commit over real SMTP; a failing mailer never loses a reservation."""

from __future__ import annotations

import asyncio
import re
from io import BytesIO

from pypdf import PdfReader

from tests.conftest import running_api, settings_for
from tests.e2e.ticketing_flow import make_organizer, published_event
from tests.fakes import FailingMailer
from tests.integration.mail.test_activation_mail import Inbox, smtp  # noqa: F401  (the SMTP server fixture)


async def test_holders_are_mailed_on_confirmation_promotion_and_event_cancellation(
    database_url: str,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    settings = settings_for(database_url, smtp_host="127.0.0.1", smtp_port=port)
    async with running_api(settings) as api:
        _, organizer = await make_organizer(api, "org@example.com")
        event = await published_event(api, organizer, capacity=1, title="Night hike")
        _, ann = await api.user("ann@example.com")
        _, bob = await api.user("bob@example.com")
        first = (await api.client.post(f"/api/events/{event['id']}/reservations/", headers=ann)).json()
        await api.client.post(f"/api/events/{event['id']}/reservations/", headers=bob)
        [confirmed] = await inbox.wait(1)
        assert (confirmed["To"], confirmed["Subject"]) == ("ann@example.com", "Confirmed: Night hike")

        await api.client.delete(f"/api/reservations/{first['id']}/", headers=ann)
        promoted = (await inbox.wait(2))[1]
        assert (promoted["To"], promoted["Subject"]) == ("bob@example.com", "Confirmed: Night hike")

        await api.client.post(f"/api/events/{event['id']}/cancel/", headers=organizer)
        cancelled = (await inbox.wait(3))[2]
        assert (cancelled["To"], cancelled["Subject"]) == ("bob@example.com", "Cancelled: Night hike")
        await asyncio.sleep(0.2)
        assert len(inbox.messages) == 3  # ann's cancelled reservation is not mailed again


async def test_a_failing_mailer_never_loses_or_blocks_a_reservation(database_url: str) -> None:
    mailer = FailingMailer()
    async with running_api(settings_for(database_url), mailer=mailer) as api:
        _, organizer = await make_organizer(api, "org@example.com")
        event = await published_event(api, organizer, capacity=1)
        _, ann = await api.user("ann@example.com")

        reserved = await api.client.post(f"/api/events/{event['id']}/reservations/", headers=ann)
        assert (reserved.status_code, reserved.json()["status"]) == (201, "confirmed")
        cancelled = await api.client.post(f"/api/events/{event['id']}/cancel/", headers=organizer)
        assert cancelled.status_code == 200

        async with asyncio.timeout(5):  # the confirmation mail follows the response; both were attempted
            while mailer.attempts < 2:
                await asyncio.sleep(0.02)
        [held] = (await api.client.get("/api/reservations/", headers=ann)).json()["results"]
        assert (held["id"], held["status"]) == (reserved.json()["id"], "cancelled")


async def test_the_confirmation_mail_links_to_the_ticket_under_the_public_base_url(
    database_url: str,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    settings = settings_for(database_url, smtp_host="127.0.0.1", smtp_port=port, public_base_url="https://m.test/app/")
    async with running_api(settings) as api:
        _, organizer = await make_organizer(api, "org@example.com")
        event = await published_event(api, organizer, capacity=5, title="Слёт туристов")
        _, ann = await api.user("ann@example.com")
        _, bob = await api.user("bob@example.com")
        reservation = (await api.client.post(f"/api/events/{event['id']}/reservations/", headers=ann)).json()
        [mail] = await inbox.wait(1)
        body = mail.get_payload(decode=True)
        assert isinstance(body, bytes)
        [link] = re.findall(r"https?://\S+", body.decode(mail.get_content_charset() or "utf-8"))

        assert link == f"https://m.test/app/api/reservations/{reservation['id']}/ticket/"
        path = link.removeprefix("https://m.test/app")
        ticket = await api.client.get(path, headers=ann)
        assert (ticket.status_code, ticket.headers["content-type"]) == (200, "application/pdf")
        assert "Слёт туристов" in PdfReader(BytesIO(ticket.content)).pages[0].extract_text()
        assert (await api.client.get(path)).status_code == 401
        assert (await api.client.get(path, headers=bob)).status_code in {403, 404}
