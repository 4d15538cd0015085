"""Who is calling: the bearer token turned into a ``Principal``."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from app.core.accounts.errors import TokenMissingError
from app.core.accounts.service import AccountsService
from app.core.shared.principal import Principal


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def provide_principal(request: Request[Any, Any, Any], accounts: NamedDependency[AccountsService]) -> Principal:
    """The authenticated caller; a missing or bad token is a 401 with a ``code``.

    It depends on ``accounts`` on purpose: handlers that take both then resolve them as one chain,
    which Litestar does without spawning a task group per request.
    """
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise TokenMissingError()
    return accounts.authenticate(token)


def provide_optional_principal(
    request: Request[Any, Any, Any], accounts: NamedDependency[AccountsService]
) -> Principal | None:
    """The caller when a token is sent (a bad one is still a 401), else None."""
    token = bearer_token(request.headers.get("authorization"))
    return None if token is None else accounts.authenticate(token)


def client_key(request: Request[Any, Any, Any]) -> str:
    """What rate limits count by: the client's address."""
    return request.client.host if request.client else "unknown"
