"""Who is using the panel: its signed session cookie, the account session inside it, and the gate.

The cookie (Starlette's signed session, HttpOnly, SameSite=Strict, Secure when the request came
over HTTPS) holds the account's ordinary token pair from ``AccountsService.obtain_tokens``. Every
request turns the access token into the caller again through ``AccountsService.authenticate``,
so a deactivation, a demotion or a logout elsewhere ends the panel session at the next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.admin.refusals import refuse
from app.core.accounts.errors import TokenExpiredError
from app.core.accounts.model import TokenPair
from app.core.accounts.service import AccountsService
from app.core.shared.bounds import is_plain_text
from app.core.shared.errors import DomainError, NotAllowedError, NotAuthenticatedError
from app.core.shared.principal import Principal

PRINCIPAL_KEY = "muster.admin.principal"  # the admin behind a request, in its ASGI scope
OPEN_PATHS = frozenset({"/login", "/logout"})  # reachable without a panel session
SESSION_MAX_AGE_S = 12 * 3600
_RENEWED_KEEP_S = 60.0


class NotPanelAdminError(NotAllowedError):
    code = "admin_only"
    default_detail = "Only administrators may use the admin panel."


def route_of(scope: Scope) -> str:
    """The path inside the panel (``/login``, ``/users/list``...)."""
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


def principal_of(scope: Scope) -> Principal:
    """The admin a request was let in for (set by ``PanelGate``)."""
    principal = scope.get(PRINCIPAL_KEY)
    if not isinstance(principal, Principal):
        raise NotPanelAdminError()
    return principal


class PanelSessions:
    """Log in, log out, and find the admin behind a session, all through ``AccountsService``."""

    def __init__(self, accounts: AccountsService) -> None:
        self._accounts = accounts
        # A refresh token works once: requests racing with one expired access token share one renewal.
        self._renewing = asyncio.Lock()
        self._renewed: dict[str, tuple[float, TokenPair]] = {}

    async def log_in(self, session: MutableMapping[str, Any], *, email: str, password: str, client: str) -> Principal:
        """Check the password (Argon2, the login rate limit) and keep the session if it is an admin's."""
        pair = await self._accounts.obtain_tokens(email=email, password=password, client=client)
        principal = await self._accounts.authenticate(pair.access)
        if not principal.is_admin:
            await self._accounts.revoke(refresh_token=pair.refresh)
            raise NotPanelAdminError()
        session["tokens"] = {"access": pair.access, "refresh": pair.refresh}
        return principal

    async def log_out(self, session: MutableMapping[str, Any]) -> None:
        tokens = session.get("tokens")
        session.clear()
        if isinstance(tokens, dict) and isinstance(tokens.get("refresh"), str):
            with contextlib.suppress(DomainError):  # already over: nothing left to end
                await self._accounts.revoke(refresh_token=tokens["refresh"])

    async def admin_of(self, session: MutableMapping[str, Any]) -> Principal | None:
        """The admin of a live session, renewing its access token when it has expired; None (and the
        session forgotten) when the session ended or its account is no longer an active admin."""
        tokens = session.get("tokens")
        if not isinstance(tokens, dict) or not all(isinstance(tokens.get(k), str) for k in ("access", "refresh")):
            return None
        principal: Principal | None
        try:
            principal = await self._accounts.authenticate(tokens["access"])
        except TokenExpiredError:
            principal = await self._renew(session, tokens["refresh"])
        except NotAuthenticatedError:
            principal = None
        if principal is None or not principal.is_admin:
            session.pop("tokens", None)
            return None
        return principal

    async def _renew(self, session: MutableMapping[str, Any], refresh: str) -> Principal | None:
        async with self._renewing:
            now = time.monotonic()
            self._renewed = {k: v for k, v in self._renewed.items() if v[0] > now}
            kept = self._renewed.get(refresh)
            try:
                pair = kept[1] if kept else await self._accounts.refresh(refresh_token=refresh)
            except DomainError:
                return None
            self._renewed[refresh] = (now + _RENEWED_KEEP_S, pair)
        session["tokens"] = {"access": pair.access, "refresh": pair.refresh}
        try:
            return await self._accounts.authenticate(pair.access)
        except NotAuthenticatedError:
            return None


class PanelGate:
    """Lets a request into the panel only for an active admin; anyone else is sent to the login
    page, whatever they asked for (pages, actions and static files alike). Query parameters with
    control characters are refused (400 ``invalid_text``) as the API refuses them."""

    def __init__(self, app: ASGIApp, *, sessions: PanelSessions) -> None:
        self._app, self._sessions = app, sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        principal = await self._sessions.admin_of(scope["session"])
        if principal is None and route_of(scope) not in OPEN_PATHS:
            login = f"{scope.get('root_path', '')}/login"
            await RedirectResponse(login, status_code=302)(scope, receive, send)
            return
        if not all(is_plain_text(value) for _, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"))):
            await refuse(send, 400, "invalid_text", "A query parameter holds control characters.")
            return
        scope[PRINCIPAL_KEY] = principal
        await self._app(scope, receive, send)


class PanelCookie:
    """Starlette's signed session cookie for the panel: HttpOnly, SameSite=Strict, limited to the
    panel's path, and Secure whenever the request itself came over HTTPS."""

    def __init__(self, app: ASGIApp, *, secret_key: str, path: str) -> None:
        options: dict[str, Any] = {
            "secret_key": secret_key,
            "session_cookie": "muster_admin",
            "max_age": SESSION_MAX_AGE_S,
            "path": path,
            "same_site": "strict",
        }
        self._plain = SessionMiddleware(app, https_only=False, **options)
        self._secure = SessionMiddleware(app, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self._secure if scope.get("scheme") in ("https", "wss") else self._plain
        await chosen(scope, receive, send)
