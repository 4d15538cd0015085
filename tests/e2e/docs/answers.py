"""A pytest plugin (``-p tests.e2e.docs.answers``) that records every error answer the app renders
through its error map, as ``(operation_id, status, code)``, and writes them as JSON to the file
named by ``MUSTER_ERROR_ANSWERS`` when the run ends."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Request, Response

from app.api.errors import EXCEPTION_HANDLERS

RECORDED: set[tuple[str, int, str]] = set()
Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def _operation_of(request: Request[Any, Any, Any]) -> str | None:
    try:
        operation = request.route_handler.operation_id
    except Exception:  # refused before a route was found (unknown path, bad host)
        return None
    return operation if isinstance(operation, str) else None


def recording(handler: Handler) -> Handler:
    """``handler``, noting what it answered and for which operation."""

    def record(request: Request[Any, Any, Any], error: Any) -> Response[Any]:
        response = handler(request, error)
        operation = _operation_of(request)
        if operation is not None and isinstance(response.content, dict) and response.status_code is not None:
            RECORDED.add((operation, response.status_code, str(response.content.get("code"))))
        return response

    return record


def pytest_configure(config: pytest.Config) -> None:
    for kind, handler in list(EXCEPTION_HANDLERS.items()):
        EXCEPTION_HANDLERS[kind] = recording(handler)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get("MUSTER_ERROR_ANSWERS")
    if target:
        Path(target).write_text(json.dumps(sorted(RECORDED)))
