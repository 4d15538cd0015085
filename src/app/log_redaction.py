"""Keeping secrets out of logs: a logging filter that redacts credentials in logged URLs.

Socket URLs carry ``?token=<access>``, old scanners send ``/api/check-in/?secret=``, and activation
links have their token in the path. The access lines and uvicorn's socket handshake lines carry the
query string, so the one log handler (``app.observability.logs``) runs ``RedactSecrets`` on every
record: ``/ws/chat/1/?token=[redacted]``.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
SECRET_PARAMETERS = frozenset(
    {"token", "access", "refresh", "access_token", "refresh_token", "secret", "password", "code", "key", "signature"}
)
_PARAMETER = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;#\s\"?]+)=(?P<value>[^&;#\s\"]*)")
_PATH_TOKEN = re.compile(r"(?P<lead>/activate/)(?P<value>[^/?#\s\"]+)")


def redact(text: str) -> str:
    """``text`` with the values of secret query parameters and path tokens replaced by ``[redacted]``."""
    if "=" not in text and "/activate/" not in text:
        return text

    def parameter(match: re.Match[str]) -> str:
        if unquote_plus(match["name"]).lower() not in SECRET_PARAMETERS:
            return match[0]
        return f"{match['lead']}{match['name']}={REDACTED}"

    return _PATH_TOKEN.sub(rf"\g<lead>{REDACTED}", _PARAMETER.sub(parameter, text))


class RedactSecrets(logging.Filter):
    """Redacts the message and its string arguments of every record it sees (and keeps them all)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        return True


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value
