"""Each test here runs with the error map recording what it answers (tests/e2e/answers.py), for the
check that every answer is documented (tests/e2e/docs/test_error_answers.py). A run given
``MUSTER_ERROR_ANSWERS`` writes the answers to that file as JSON when it ends."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.api.errors import EXCEPTION_HANDLERS
from tests.e2e.answers import LOG, in_suite, recording


@pytest.fixture(autouse=True)
def record_error_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Autouse, so it wraps the error map before any app of the test is built."""
    for kind, handler in list(EXCEPTION_HANDLERS.items()):
        monkeypatch.setitem(EXCEPTION_HANDLERS, kind, recording(handler))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        LOG.failed.add(report.nodeid)
    if report.when == "teardown":
        LOG.finished.add(report.nodeid)


def pytest_deselected(items: list[pytest.Item]) -> None:
    # What a run of the suite on its own leaves out anyway (PostgreSQL, slow) may be left out here.
    if any(in_suite(item) and not {"postgres", "slow"} & {m.name for m in item.iter_markers()} for item in items):
        LOG.deselected = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get("MUSTER_ERROR_ANSWERS")
    if target:
        Path(target).write_text(json.dumps(sorted(LOG.answers)))
