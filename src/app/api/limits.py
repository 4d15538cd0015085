"""Per-address and per-account limits on the operations that create things: one guard factory,
put on each limited route, so the routes without a limit pay nothing for it."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from app.api.auth import authenticated, client_key
from app.core.accounts.service import AccountsService
from app.core.limits import Action, RequestLimits

# Where the composition root leaves what the guards need (app state: guards get no dependencies).
LIMITS_STATE = "request_limits"
ACCOUNTS_STATE = "accounts"


def limited(action: Action) -> Guard:
    """A route guard: the request counts against ``action``'s budget for the client's address and,
    when the budget has a per-account part, the caller's account (429 ``rate_limited`` with
    Retry-After beyond). The caller is authenticated first, so a bad token is still a 401."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        state = connection.app.state
        limits: RequestLimits = state[LIMITS_STATE]
        account = None
        if limits.budget(action).account is not None:
            accounts: AccountsService = state[ACCOUNTS_STATE]
            account = (await authenticated(connection, accounts)).user_id
        await limits.hit(action, address=client_key(connection), account=account)

    return guard
