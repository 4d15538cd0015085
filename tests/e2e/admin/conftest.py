"""An app with a first admin, and a client that speaks the panel's forms (cookie and CSRF token)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.bootstrap import Services, build_services, create_app
from app.settings import Settings
from tests.conftest import app_lifespan, settings_for
from tests.e2e.live_site import ADMIN_EMAIL, PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Panel:
    """An HTTP client on the app, logged in to the panel or not."""

    client: httpx.AsyncClient
    services: Services

    async def csrf(self) -> str:
        page = await self.client.get("/admin/login")
        found = TOKEN.search(page.text)
        assert found, page.text
        return found.group(1)

    async def log_in(self, email: str = ADMIN_EMAIL, password: str = PASSWORD) -> httpx.Response:
        data = {"email": email, "password": password, "csrf_token": await self.csrf()}
        return await self.client.post("/admin/login", data=data)

    async def act(self, view: str, pk: int, action: str, **fields: Any) -> httpx.Response:
        data = {"csrf_token": await self.csrf(), **fields}
        return await self.client.post(f"/admin/{view}/act/{pk}/{action}", data=data)

    async def api_user(self, email: str, *, role: str = "member") -> tuple[dict[str, Any], dict[str, str]]:
        body = {"email": email, "password": PASSWORD, "name": email.split("@")[0], "role": role}
        created = await self.client.post("/api/users/", json=body)
        assert created.status_code == 201, created.text
        tokens = await self.client.post("/api/token/", json={"email": email, "password": PASSWORD})
        return dict(created.json()), {"Authorization": f"Bearer {tokens.json()['access']}"}


@pytest.fixture
async def panel(database_url: str) -> AsyncIterator[Panel]:
    """The app on SQLite and on PostgreSQL with an admin account, through an in-process client."""
    async with running_panel(settings_for(database_url)) as running:
        yield running


@contextlib.asynccontextmanager
async def running_panel(settings: Settings) -> AsyncIterator[Panel]:
    services = build_services(settings)
    await services.user_admin.create_superuser(email=ADMIN_EMAIL, password=PASSWORD, name="Root")
    app = create_app(settings, services=services)
    async with app_lifespan(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Panel(client=client, services=services)
