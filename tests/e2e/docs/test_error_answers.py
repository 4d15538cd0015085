"""Every error answer the HTTP end-to-end suite provokes is documented on its operation: the suite
runs with the ``answers`` plugin recording ``(operation, status, code)`` from the error map, and
each must be in that operation's OpenAPI responses (the embedded SQLite default, to stay quick)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow
SUITE = [
    "tests/e2e/api",
    "-m",
    "not postgres and not slow",
    "-q",
    "-p",
    "tests.e2e.docs.answers",
    "-p",
    "no:cacheprovider",
]


def _documented(document: dict[str, Any]) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                for code in schema.get("allOf", [{}, {}])[1].get("properties", {}).get("code", {}).get("enum", []):
                    found.add((operation["operationId"], int(status), code))
    return found


@pytest.mark.timeout(1800)
def test_every_error_answer_of_the_api_suite_is_documented(openapi: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "answers.json"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *SUITE],
        env={**os.environ, "MUSTER_ERROR_ANSWERS": str(target)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    answers = {(operation, status, code) for operation, status, code in json.loads(target.read_text())}
    assert len(answers) > 100
    assert ("ChangeExpeditionStatus", 409, "too_early") in answers  # the recorder sees domain errors
    assert ("GetProfile", 401, "not_authenticated") in answers
    undocumented = sorted(answers - _documented(openapi))
    assert not undocumented, undocumented
