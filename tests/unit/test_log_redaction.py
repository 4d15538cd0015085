"""The log filter redacts secret parameters and path tokens, and nothing else."""

from __future__ import annotations

import logging
import logging.config

import pytest

from app.log_redaction import RedactSecrets, redact
from app.observability.logs import log_config


@pytest.mark.parametrize(
    ("logged", "kept"),
    [
        ("/ws/chat/1/?token=eyJ.a.b&since=5", "/ws/chat/1/?token=[redacted]&since=5"),
        ("/api/check-in/?secret=T1.2.3.abc", "/api/check-in/?secret=[redacted]"),
        ("/x/?Refresh=abc;password=p", "/x/?Refresh=[redacted];password=[redacted]"),
        ("/x/?%74oken=abc", "/x/?%74oken=[redacted]"),
        ("/api/users/activate/abc.def/", "/api/users/activate/[redacted]/"),
        ("/api/events/?limit=2&offset=4&search=token", "/api/events/?limit=2&offset=4&search=token"),
        ("no url at all", "no url at all"),
    ],
)
def test_redact_replaces_only_secret_values_when_they_appear_in_a_url(logged: str, kept: str) -> None:
    assert redact(logged) == kept


def test_the_filter_redacts_uvicorn_access_records_in_their_arguments() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/check-in/?secret=abc", "1.1", 200), None,
    )  # fmt: skip

    assert RedactSecrets().filter(record) is True
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/check-in/?secret=[redacted] HTTP/1.1" 200'


def test_the_one_log_handler_redacts_every_record_uvicorns_included() -> None:
    config = log_config(level="INFO", fmt="console")
    assert "redact_secrets" in config["handlers"]["default"]["filters"]
    for name in ("uvicorn.error", "uvicorn.access", "litestar", "app"):
        logger = config["loggers"].get(name, {"propagate": True})
        assert logger["propagate"] is True and not logger.get("handlers")  # through the root handler
