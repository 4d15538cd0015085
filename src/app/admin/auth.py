"""The panel's login page and logout, as sqladmin's authentication backend."""

from __future__ import annotations

from sqladmin import Admin
from sqladmin.authentication import AuthenticationBackend
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.admin.csrf import renew_csrf_token
from app.admin.session import PRINCIPAL_KEY, PanelSessions
from app.core.shared.bounds import is_plain_text
from app.core.shared.errors import (
    DomainError,
    InvalidInputError,
    NotAllowedError,
    NotAuthenticatedError,
    RateLimitedError,
)

LOGIN_TEMPLATE = "sqladmin/login.html"
MAX_EMAIL_LENGTH = 254


def login_status(error: DomainError) -> int:
    """The status of a refused login page: wrong password 401, not an admin or inactive 403,
    too many failures 429, malformed 400."""
    if isinstance(error, RateLimitedError):
        return 429
    if isinstance(error, NotAuthenticatedError):
        return 401
    if isinstance(error, NotAllowedError):
        return 403
    return 400 if isinstance(error, InvalidInputError) else 409


class PanelAuthentication(AuthenticationBackend):
    """Logs in with the same accounts and passwords as the API (``AccountsService``); the session
    cookie and the gate in front of every page are ``PanelCookie`` and ``PanelGate``."""

    def __init__(self, sessions: PanelSessions) -> None:
        self.middlewares = []  # the panel installs its own session cookie, outside CSRF and the gate
        self._sessions = sessions
        self.admin: Admin | None = None

    async def login(self, request: Request) -> Response | bool:
        form = await request.form()
        email, password = str(form.get("email") or ""), str(form.get("password") or "")
        client = request.client.host if request.client else "unknown"
        try:
            if not (is_plain_text(email) and is_plain_text(password)) or len(email) > MAX_EMAIL_LENGTH:
                raise InvalidInputError("The e-mail or password holds characters that are not allowed.")
            await self._sessions.log_in(request.session, email=email, password=password, client=client)
        except DomainError as error:
            return await self._refused(request, error)
        renew_csrf_token(request.session)
        return RedirectResponse(str(request.url_for("admin:index")), status_code=302)

    async def logout(self, request: Request) -> Response | bool:
        await self._sessions.log_out(request.session)
        return RedirectResponse(str(request.url_for("admin:login")), status_code=302)

    async def authenticate(self, request: Request) -> bool:
        return request.scope.get(PRINCIPAL_KEY) is not None

    async def _refused(self, request: Request, error: DomainError) -> Response:
        assert self.admin is not None
        status = login_status(error)
        response = await self.admin.templates.TemplateResponse(
            request, LOGIN_TEMPLATE, {"error": error.detail, "code": error.code}, status_code=status
        )
        if isinstance(error, RateLimitedError):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
