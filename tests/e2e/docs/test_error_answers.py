"""Every error answer the HTTP end-to-end suite provokes is documented on its operation: the suite
records ``(operation, status, code)`` from the error map as it runs (tests/e2e/answers.py), and each
must be in that operation's OpenAPI responses. When this session did not run the whole suite before
this check, the check runs it in a process of its own (the embedded SQLite default, to stay quick)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.answers import LOG, SUITE, Answer

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow
RUN_OF_ITS_OWN = [str(SUITE), "-m", "not postgres and not slow", "-q", "-p", "no:cacheprovider"]


def _documented(document: dict[str, Any]) -> set[Answer]:
    found: set[Answer] = set()
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                for code in schema.get("allOf", [{}, {}])[1].get("properties", {}).get("code", {}).get("enum", []):
                    found.add((operation["operationId"], int(status), code))
    return found


def _undocumented(answers: set[Answer], document: dict[str, Any]) -> list[Answer]:
    return sorted(answers - _documented(document))


def _answers_of_a_run_of_its_own(target: Path) -> set[Answer]:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *RUN_OF_ITS_OWN],
        env={**os.environ, "MUSTER_ERROR_ANSWERS": str(target)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    return {(operation, status, code) for operation, status, code in json.loads(target.read_text())}


@pytest.mark.timeout(1800)
def test_every_error_answer_of_the_api_suite_is_documented(
    openapi: dict[str, Any], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if LOG.ran_whole(request.session):
        assert not LOG.failed, f"the API suite failed, so its answers are not all known: {sorted(LOG.failed)}"
        answers = LOG.answers
    else:
        answers = _answers_of_a_run_of_its_own(tmp_path / "answers.json")
    assert len(answers) > 100
    assert ("ChangeExpeditionStatus", 409, "too_early") in answers  # the recorder sees domain errors
    assert ("GetProfile", 401, "not_authenticated") in answers
    undocumented = _undocumented(answers, openapi)
    assert not undocumented, undocumented


def test_an_answer_missing_from_the_document_is_caught(openapi: dict[str, Any]) -> None:
    answer = ("GetProfile", 401, "not_authenticated")
    assert _undocumented({answer}, openapi) == []
    document = copy.deepcopy(openapi)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == "GetProfile":
                del operation["responses"]["401"]
    assert _undocumented({answer}, document) == [answer]
