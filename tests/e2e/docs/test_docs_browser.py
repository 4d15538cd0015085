"""Swagger UI, ReDoc and the AsyncAPI page in headless Chromium against a real server: each renders
its content with no request leaving the server's origin, and is photographed.

``MUSTER_DOCS_SCREENSHOTS=docs`` also saves the pictures there (``docs/api-docs-*.png``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.conftest import LiveServer, live_server, settings_for

pytestmark = pytest.mark.slow
SAVE_TO = os.environ.get("MUSTER_DOCS_SCREENSHOTS")
PAGES = {
    # page → a selector that only appears once the page has rendered the document
    "swagger-ui": ".opblock-tag-section",
    "redoc": "[data-section-id^='tag/']",
    "asyncapi": "section.frame",
}
EXPECTED_TEXT = {"swagger-ui": "Change expedition status", "redoc": "too_early", "asyncapi": "member_invited"}


@pytest.fixture(scope="module")
def server(sqlite_url: str) -> Iterator[LiveServer]:
    with live_server(settings_for(sqlite_url)) as running:
        yield running


@pytest.mark.parametrize("page_name", list(PAGES))
async def test_the_docs_page_renders_offline(
    page_name: str, server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    context = await browser.new_context(viewport={"width": 1100, "height": 700})
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = await context.new_page()
    try:
        await page.goto(f"{server.base_url}/api/schema/{page_name}", wait_until="networkidle")
        await page.wait_for_selector(PAGES[page_name], timeout=30_000)
        if page_name == "redoc":
            await page.get_by_text("too_early").first.wait_for(state="attached", timeout=30_000)
        assert EXPECTED_TEXT[page_name] in await page.content()
        shot = tmp_path / f"api-docs-{page_name}.png"
        await page.screenshot(path=str(shot))
    finally:
        await context.close()
    assert shot.stat().st_size > 5_000
    foreign = [url for url in requested if not url.startswith((server.base_url, "data:", "blob:"))]
    assert not foreign, foreign
    assert len(requested) >= 2 if page_name != "asyncapi" else requested
    if SAVE_TO:
        shutil.copy(shot, Path(SAVE_TO) / shot.name)
