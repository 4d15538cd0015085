"""Authenticating a WebSocket: ``?token=`` or ``Authorization: Bearer``; close 4401 when missing or bad."""

from __future__ import annotations

from typing import Any

from litestar import WebSocket

from app.core.accounts.service import AccountsService
from app.core.shared.credentials import bearer_token
from app.core.shared.errors import NotAuthenticatedError
from app.core.shared.principal import Principal
from app.ws.url import forget_query_value, query_value

UNAUTHENTICATED_CLOSE_CODE = 4401


def socket_token(socket: WebSocket[Any, Any, Any]) -> str | None:
    """The access token of a socket: the ``token`` query parameter, else a bearer header."""
    token = query_value(socket, "token")
    if token:
        return str(token)
    return bearer_token(socket.headers.get("authorization"))


async def authenticate_socket(socket: WebSocket[Any, Any, Any], accounts: AccountsService) -> Principal | None:
    """The caller of a socket, or None after closing it with 4401 (it never joins a channel).

    The token is checked as on HTTP: a deactivated or deleted account, a logged-out session or one
    ended by a password change is refused.

    The socket is accepted first so the client sees the 4401 close code, not a bare HTTP 403.
    Once checked, the token leaves the scope's query string: an open socket does not keep it.
    """
    token = socket_token(socket)
    try:
        if token is None:
            raise NotAuthenticatedError("Send the access token as ?token= or an Authorization header.")
        principal = await accounts.authenticate(token)
        forget_query_value(socket, "token")
        return principal
    except NotAuthenticatedError as error:
        await socket.accept()
        await socket.close(code=UNAUTHENTICATED_CLOSE_CODE, reason=error.code)
        return None
