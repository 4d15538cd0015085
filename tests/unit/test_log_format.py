"""The one log format: a readable console line or one JSON object, both with the request's id."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator

import pytest

from app.observability.logs import QUIET_LOGGERS, REQUEST_ID, log_config


@pytest.fixture
def configured(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """The process's logging as ``log_config`` makes it, writing to a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    config = log_config(level="INFO", fmt=request.param)
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    [handler] = root.handlers
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers, root.level = saved[0], saved[1]


@pytest.mark.parametrize("configured", ["json"], indirect=True)
def test_json_lines_carry_the_request_id_and_extra_fields(configured: io.StringIO) -> None:
    token = REQUEST_ID.set("req-7")
    try:
        logging.getLogger("app.access").info("GET %s", "/x/?token=abc", extra={"status": 200, "duration_ms": 1.5})
    finally:
        REQUEST_ID.reset(token)
    logging.getLogger("app.jobs").warning("outside any request")
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("app.api").exception("failed")

    first, second, third = (json.loads(line) for line in configured.getvalue().splitlines())
    assert first["message"] == "GET /x/?token=[redacted]" and first["request_id"] == "req-7"
    assert (first["logger"], first["level"], first["status"], first["duration_ms"]) == ("app.access", "INFO", 200, 1.5)
    assert "request_id" not in second and second["level"] == "WARNING"
    assert "ValueError: boom" in third["exception"]


@pytest.mark.parametrize("configured", ["console"], indirect=True)
def test_console_lines_are_readable_and_name_the_request(configured: io.StringIO) -> None:
    token = REQUEST_ID.set("req-8")
    try:
        logging.getLogger("app.mail").warning("E-mail to %s", "ann@example.com")
    finally:
        REQUEST_ID.reset(token)
    logging.getLogger("uvicorn.error").info("Started server process")

    first, second = configured.getvalue().splitlines()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING  app\.mail \[req-8\] E-mail to ann@example\.com", first
    )
    assert second.endswith("INFO     uvicorn.error [-] Started server process")


@pytest.mark.parametrize("configured", ["console"], indirect=True)
def test_third_party_chatter_is_held_back_but_their_warnings_show(configured: io.StringIO) -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(f"{name}.subset").info("noise")
    logging.getLogger("fontTools.subset").warning("a real problem")
    [line] = configured.getvalue().splitlines()
    assert line.endswith("WARNING  fontTools.subset [-] a real problem")
