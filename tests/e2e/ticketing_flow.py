"""Shared steps of the ticketing end-to-end tests: organizers, events, decoding a PDF ticket's QR code."""

from __future__ import annotations

from typing import Any

import pypdfium2
import zxingcpp

from app.bootstrap import build_services
from tests.conftest import Api

STARTS_AT = "2099-05-01T18:00:00Z"


async def make_organizer(api: Api, email: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Register ``email`` and have an admin (created as on the command line) grant it ``organizer``."""
    services = build_services(api.settings)
    try:
        await services.user_admin.create_superuser(email="root@example.com", password="s3cret-pass", name="Root")
    finally:
        await services.aclose()
    root = await api.login("root@example.com")
    user = await api.register(email)
    granted = await api.client.put(
        f"/api/admin/users/{user['id']}/roles/",
        json={"roles": ["organizer"]},
        headers={"Authorization": f"Bearer {root['access']}"},
    )
    assert granted.status_code == 200, granted.text
    tokens = await api.login(email)
    return user, {"Authorization": f"Bearer {tokens['access']}"}


async def published_event(api: Api, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"title": "Night hike", "starts_at": STARTS_AT, "capacity": 1, **fields}
    created = await api.client.post("/api/events/", json=body, headers=headers)
    assert created.status_code == 201, created.text
    published = await api.client.post(f"/api/events/{created.json()['id']}/publish/", headers=headers)
    assert published.status_code == 200, published.text
    return dict(published.json())


async def event_watch(api: Api, *, capacity: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, str], str]:
    """An organizer's published event and a member who may reserve: the organizer's headers, the
    event, the member's headers, and the organizer's access token (for the event's metrics socket)."""
    _, organizer = await make_organizer(api, "org@example.com")
    event = await published_event(api, organizer, capacity=capacity)
    _, member = await api.user("ann@example.com")
    return organizer, event, member, organizer["Authorization"].split()[1]


def qr_text_of_pdf(pdf: bytes) -> str:
    """Render the PDF's first page and read its QR code back, as a door scanner would."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    [barcode] = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    return str(barcode.text)
