"""A refresh token used by two requests at the same instant: exactly one gets a new pair (row lock)."""

from __future__ import annotations

import asyncio

import pytest

from app.bootstrap import build_services
from app.core.accounts.errors import TokenReusedError, TokenRevokedError
from tests.conftest import settings_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_concurrent_refreshes_of_one_token_let_exactly_one_through(postgres_url: str) -> None:
    from tests.conftest import truncate_all

    await truncate_all(postgres_url)
    services = build_services(settings_for(postgres_url))
    try:
        accounts = services.accounts
        await accounts.register(email="ann@example.com", password="s3cret-pass", name="Ann")
        for _ in range(5):
            pair = await accounts.obtain_tokens(email="ann@example.com", password="s3cret-pass", client="c")
            results = await asyncio.gather(
                *(accounts.refresh(refresh_token=pair.refresh) for _ in range(8)), return_exceptions=True
            )
            winners = [r for r in results if not isinstance(r, BaseException)]
            losers = [r for r in results if isinstance(r, BaseException)]
            assert len(winners) == 1
            assert any(isinstance(r, TokenReusedError) for r in losers), losers
            assert all(isinstance(r, TokenReusedError | TokenRevokedError) for r in losers), losers
            with pytest.raises(TokenRevokedError):  # the reuse revoked the winner's family too
                await accounts.refresh(refresh_token=winners[0].refresh)
    finally:
        await services.aclose()
