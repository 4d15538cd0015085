"""Registration with activation: the e-mail goes over real SMTP (aiosmtpd) and its link activates."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import free_port, running_api, settings_for


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    async def wait(self, count: int = 1, timeout_s: float = 10) -> list[Message]:
        async with asyncio.timeout(timeout_s):
            while len(self.messages) < count:
                await asyncio.sleep(0.02)
        return self.messages


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


async def test_activation_link_from_the_email_activates_the_account(database_url: str, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    settings = settings_for(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        require_email_activation=True,
        public_base_url="http://testserver",
        mail_from="Muster <noreply@muster.test>",
    )
    async with running_api(settings) as api:
        await api.register("ann@example.com")
        refused = await api.client.post("/api/token/", json={"email": "ann@example.com", "password": "s3cret-pass"})
        assert (refused.status_code, refused.json()["code"]) == (403, "inactive_account")

        [message] = await inbox.wait()
        assert message["To"] == "ann@example.com"
        assert message["From"] == "Muster <noreply@muster.test>"
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        link = re.search(r"http://testserver(/api/users/activate/\S+/)", payload.decode())
        assert link is not None
        activated = await api.client.get(link.group(1))
        assert activated.status_code == 200
        assert activated.json()["is_active"] is True
        assert await api.login("ann@example.com")
