"""Types hold: mypy --strict over src/app and tests (settings in pyproject.toml). It checks, among
the rest, that every adapter really satisfies the port protocol it is wired in for, and that every
hand-written fake in tests/fakes satisfies the ports the services take."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_strict_finds_no_error() -> None:
    report, errors, status = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "src" / "app"), str(ROOT / "tests")]
    )
    assert status == 0, report + errors
