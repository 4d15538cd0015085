"""The check-in's camera scanner in Chromium: hidden where the browser has no QR BarcodeDetector,
and where it has one, a scanned code is checked in once (the same code held in front of the camera
is not sent again at once). The camera and the detector are stand-ins given to the page before it
loads; everything after them (the page, the API, the server) is the real one."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.desk.conftest import Site
from tests.e2e.live_site import PASSWORD

pytestmark = pytest.mark.slow

STAND_INS = """
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return canvas.captureStream(5);
};
window.scanned = [];
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
  async detect() {
    if (!window.held) return [];
    window.scanned.push(window.held);
    return [{ rawValue: window.held, format: "qr_code" }];
  }
};
"""


async def test_a_scanned_ticket_is_admitted_once_and_the_scanner_hides_without_a_detector(site: Site) -> None:
    olga = await site.organizer("olga@example.com")
    ann = await site.person("ann@example.com")
    body = {"title": "Night hike", "starts_at": "2030-05-01T18:00:00Z", "capacity": 5}
    event_id = (await site.http.post("/api/events/", json=body, headers=olga.headers)).json()["id"]
    await site.http.post(f"/api/events/{event_id}/publish/", headers=olga.headers)
    await site.http.post(f"/api/events/{event_id}/reservations/", headers=ann.headers)
    secret = (await site.http.get("/api/reservations/", headers=ann.headers)).json()["results"][0]["ticket_secret"]

    plain = await site.signed_in("/desk/#/check-in", olga)
    await expect(plain.get_by_label("Ticket secret")).to_be_visible()
    has_detector = await plain.evaluate("() => 'BarcodeDetector' in window")
    scan = plain.get_by_role("button", name="Scan with the camera")
    await (expect(scan).to_be_visible() if has_detector else expect(scan).to_be_hidden())

    door = await site.page()
    await door.add_init_script(STAND_INS)
    await door.goto("/desk/#/check-in")
    await door.get_by_label("E-mail").fill(olga.email)
    await door.get_by_label("Password").fill(PASSWORD)
    await door.get_by_role("button", name="Log in", exact=True).click()
    await door.get_by_role("button", name="Scan with the camera").click()
    await expect(door.get_by_role("button", name="Stop the camera")).to_be_visible()
    await expect(door.get_by_label("Camera view")).to_be_visible()

    await door.evaluate("(code) => { window.held = code; }", secret)
    verdict = door.locator(".verdict")
    await expect(verdict).to_have_text("Admitted: Ann (ann@example.com), Night hike.")
    # Held in front of the camera, the code is seen again and again but sent once.
    await door.wait_for_function("() => window.scanned.length >= 3")
    await expect(verdict).to_have_text("Admitted: Ann (ann@example.com), Night hike.")
    metrics = await site.http.get(f"/api/events/{event_id}/metrics/", headers=olga.headers)
    assert metrics.json()["checked_in_count"] == 1

    await door.get_by_role("button", name="Stop the camera").click()
    await expect(door.get_by_role("button", name="Scan with the camera")).to_be_visible()
    await expect(door.get_by_label("Camera view")).to_be_hidden()
