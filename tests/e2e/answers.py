"""The error answers the HTTP end-to-end suite (tests/e2e/api) provokes, as ``(operation_id, status,
code)``: its conftest wraps the error map with :func:`recording` around each of its tests and notes
how each test ended, so a later test of the same session can check the answers against the OpenAPI
document without running the suite again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from litestar import Request, Response

SUITE = Path(__file__).resolve().parent / "api"
Answer = tuple[str, int, str]
Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


@dataclass
class SuiteLog:
    """What this session saw of the suite: the answers, which tests finished and which failed, and
    whether a test the suite would run was left out by ``-k``, ``-m`` or ``--deselect``."""

    answers: set[Answer] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    deselected: bool = False

    def ran_whole(self, session: pytest.Session) -> bool:
        """Every module of the suite was collected, nothing of it deselected, and every test of it
        collected in ``session`` has finished."""
        mine = [item for item in session.items if in_suite(item)]
        modules = {item.path for item in mine}
        return (
            not self.deselected
            and modules >= set(SUITE.glob("test_*.py"))
            and {item.nodeid for item in mine} <= self.finished
        )


LOG = SuiteLog()


def in_suite(item: pytest.Item) -> bool:
    return SUITE in item.path.parents


def _operation_of(request: Request[Any, Any, Any]) -> str | None:
    try:
        operation = request.route_handler.operation_id
    except Exception:  # refused before a route was found (unknown path, bad host)
        return None
    return operation if isinstance(operation, str) else None


def recording(handler: Handler) -> Handler:
    """``handler``, noting in :data:`LOG` what it answered and for which operation."""

    def record(request: Request[Any, Any, Any], error: Any) -> Response[Any]:
        response = handler(request, error)
        operation = _operation_of(request)
        if operation is not None and isinstance(response.content, dict) and response.status_code is not None:
            LOG.answers.add((operation, response.status_code, str(response.content.get("code"))))
        return response

    return record
