"""CSRF protection for every form of the panel: a per-session token that each unsafe request must
send back (the ``csrf_token`` form field or the ``X-CSRF-Token`` header)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.admin.refusals import refuse

CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 64 * 1024


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def renew_csrf_token(session: MutableMapping[str, Any]) -> str:
    """A fresh token (at login, so a token seen before it is worth nothing after)."""
    session.pop("csrf", None)
    return csrf_token(session)


class CsrfProtection:
    """Refuses an unsafe request whose token is missing or wrong with 403 ``csrf_failed``, before
    the panel sees it; the form body it read is handed on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        expected = csrf_token(scope["session"])
        if scope["method"] in SAFE_METHODS:
            await self._app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = bool(message.get("more_body"))
            if len(body) > MAX_FORM_BYTES:
                await refuse(send, 413, "too_large", "The form is too large.")
                return
        if not hmac.compare_digest(_sent_token(scope, bytes(body)).encode(), expected.encode()):
            await refuse(send, 403, "csrf_failed", "The form's CSRF token is missing or wrong; reload the page.")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self._app(scope, replay, send)


def _sent_token(scope: Scope, body: bytes) -> str:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    if CSRF_HEADER in headers:
        return headers[CSRF_HEADER].decode("latin-1")
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip()
    if content_type != b"application/x-www-form-urlencoded":
        return ""
    values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get(CSRF_FIELD) or [""]
    return str(values[0])
