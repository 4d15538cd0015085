"""Per-address and per-account limits on the operations that create things, in one guard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from app.api.auth import authenticated, client_key
from app.core.accounts.service import AccountsService
from app.core.limits import Action, RequestLimits

# Operations (by their OpenAPI operation id) and the budget each one spends.
LIMITED_OPERATIONS: Mapping[str, Action] = {
    "RegisterUser": Action.REGISTER,
    "CreateChat": Action.CREATE_CHAT,
    "PostMessage": Action.POST_MESSAGE,
    "ForwardMessage": Action.POST_MESSAGE,
}


def rate_limit_guard(
    limits: RequestLimits, accounts: AccountsService, operations: Mapping[str, Action] = LIMITED_OPERATIONS
) -> Guard:
    """A guard for the whole app: a limited operation counts against the client's address and,
    when its budget has a per-account part, the caller's account (429 ``rate_limited`` with
    Retry-After beyond). The caller is authenticated first, so a bad token is still a 401."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        operation_id = getattr(handler, "operation_id", None)
        action = operations.get(operation_id) if isinstance(operation_id, str) else None
        if action is None:
            return
        account = None
        if limits.budget(action).account is not None:
            account = (await authenticated(connection, accounts)).user_id
        await limits.hit(action, address=client_key(connection), account=account)

    return guard
