"""Who is calling: the bearer token turned into a ``Principal``, and from which address."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency

from app.core.accounts.errors import TokenMissingError
from app.core.accounts.service import AccountsService
from app.core.shared.credentials import bearer_token
from app.core.shared.principal import Principal

_PRINCIPAL = "muster.principal"  # the caller, once authenticated for this request (a scope key)


async def authenticated(connection: ASGIConnection[Any, Any, Any, Any], accounts: AccountsService) -> Principal:
    """The caller of this request, authenticated once even when a guard asked first.

    Raises a ``NotAuthenticatedError`` (401 with a ``code``) for a missing, bad or dead token.
    """
    scope = cast(dict[str, Any], connection.scope)  # kept in the scope itself: cheaper than ``state``
    known = scope.get(_PRINCIPAL)
    if isinstance(known, Principal):
        return known
    token = bearer_token(connection.headers.get("authorization"))
    if token is None:
        raise TokenMissingError()
    principal = scope[_PRINCIPAL] = await accounts.authenticate(token)
    return principal


async def provide_principal(request: Request[Any, Any, Any], accounts: NamedDependency[AccountsService]) -> Principal:
    """The authenticated caller; a missing, bad or dead token is a 401 with a ``code``.

    It depends on ``accounts`` on purpose: handlers that take both then resolve them as one chain,
    which Litestar does without spawning a task group per request.
    """
    return await authenticated(request, accounts)


async def provide_optional_principal(
    request: Request[Any, Any, Any], accounts: NamedDependency[AccountsService]
) -> Principal | None:
    """The caller when a token is sent (a bad one is still a 401), else None."""
    if bearer_token(request.headers.get("authorization")) is None:
        return None
    return await authenticated(request, accounts)


def client_key(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """What per-address limits count by: the client's address (behind a trusted proxy, the one it
    forwarded; see ``TrustedProxies``)."""
    return connection.client.host if connection.client else "unknown"
