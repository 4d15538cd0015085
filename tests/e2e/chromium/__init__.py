"""What the browser tests share: Debian's Chromium driven by Playwright (it never downloads a
browser), the accessibility check with axe-core (vendored here, with its licence and version), the
signed-in page's tokens, and an answer held back until a test lets it reach the page."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Page, Request, Route

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).with_name("axe.min.js")
AXE_PATH = "/__axe__/axe.min.js"  # answered by the test itself, on the page's own origin


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now. The script is served
    on the page's own origin by the test (a route), so the page's policy needs no exception."""

    async def serve(route: Route) -> None:
        await route.fulfill(body=AXE.read_bytes(), content_type="text/javascript")

    await page.route(f"**{AXE_PATH}", serve)
    if not await page.evaluate("() => 'axe' in window"):
        await page.add_script_tag(url=AXE_PATH)
    found: list[dict[str, Any]] = await page.evaluate(
        """async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map((n) => n.target.join(' '))}))"""
    )
    return found


async def tokens(page: Page) -> dict[str, str]:
    """The token pair the page keeps (``access`` and ``refresh``)."""
    found: dict[str, str] = await page.evaluate("() => JSON.parse(localStorage.getItem('muster.tokens'))")
    return found


async def until_expired(access: str) -> None:
    """Sleep until the access token's ``exp`` has passed (the server checks it on this machine's clock)."""
    claims = json.loads(base64.urlsafe_b64decode(access.split(".")[1] + "=="))
    await asyncio.sleep(max(0.0, claims["exp"] - time.time()) + 0.2)


class HeldAnswer:
    """The answer to the first request of ``page`` matching ``url``, held back until :meth:`land`:
    the server answers at once, the page gets the answer only then."""

    def __init__(self, page: Page, url: str) -> None:
        self._page, self._url = page, url
        self._released = asyncio.Event()
        self._request: Request | None = None

    async def hold(self) -> None:
        await self._page.route(self._url, self._late, times=1)

    async def _late(self, route: Route) -> None:
        self._request = route.request
        answer = await route.fetch()
        await self._released.wait()
        await route.fulfill(response=answer)

    async def land(self) -> None:
        """Let the answer reach the page, and the page run what it queued on it (a task turn, no sleep)."""
        async with self._page.expect_request_finished(lambda request: request == self._request):
            self._released.set()
        await self._page.evaluate("() => new Promise((done) => setTimeout(done))")
