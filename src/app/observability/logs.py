"""One logging setup for uvicorn, Litestar and the app: ``LOG_FORMAT=console`` (a readable line) or
``json`` (one object per line), the request id of the request being served on every line, secrets
redacted, and third-party chatter held back.

The same dictionary configures uvicorn (``log_config=``, so every worker process builds it before
importing the app), the app itself (``create_app``) and the worker command, so there is one format.
"""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

# Libraries whose INFO and DEBUG lines are noise to an operator (fontTools alone writes ~25 lines
# per PDF ticket it subsets a font for); their warnings and errors still show.
QUIET_LOGGERS = (
    "fontTools",
    "aiosqlite",
    "asyncio",
    "PIL",
    "httpx",
    "httpcore",
    "multipart",
    "python_multipart",
    "watchfiles",
    "saq",
    "sqlalchemy",
    "websockets",
)
# Attributes every LogRecord has; anything else was passed with ``extra=`` and goes into JSON lines.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id", "color_message"}


class RequestIdFilter(logging.Filter):
    """Stamps ``record.request_id`` with the id of the request this line was written for, or ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's ``extra=`` fields and, for errors, the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


CONSOLE_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s] %(message)s"


def log_config(*, level: str = "INFO", fmt: str = "console") -> dict[str, Any]:
    """The ``logging.config.dictConfig`` dictionary for ``level`` and ``fmt`` (``console`` or ``json``)."""
    formatter: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"} if fmt == "json" else {"format": CONSOLE_FORMAT}
    quiet = "WARNING" if logging.getLevelName(level) < logging.WARNING else level
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": f"{__name__}.RequestIdFilter"},
            "redact_secrets": {"()": "app.log_redaction.RedactSecrets"},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_id", "redact_secrets"],
            }
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {
            # uvicorn's loggers write through the root handler: one format for all.
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            # The app writes the access lines (app.access: with the request id and the duration).
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
            "litestar": {"level": level, "handlers": [], "propagate": True},
            **{name: {"level": quiet, "handlers": [], "propagate": True} for name in QUIET_LOGGERS},
        },
    }


def configure_logging(*, level: str = "INFO", fmt: str = "console") -> None:
    """Apply :func:`log_config` to this process."""
    logging.config.dictConfig(log_config(level=level, fmt=fmt))
