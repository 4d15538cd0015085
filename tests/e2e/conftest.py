"""The Chromium every browser test drives (tests/e2e/chromium), one per session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright, expect

from tests.conftest import unavailable
from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium driven by Playwright (no browser download): skipped without it, failed under CI."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    expect.set_options(timeout=10_000)  # browsers and servers share a busy machine: wait longer than 5 s
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()
