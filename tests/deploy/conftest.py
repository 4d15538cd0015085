"""What the image and compose files can be checked for without a Docker engine."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def tool(*names: str) -> str:
    """The first of ``names`` found next to this Python (the venv's console scripts) or on PATH; a
    missing tool skips the test, or fails it under CI=true (.ci/run installs them all)."""
    for name in names:
        for found in (Path(sys.executable).with_name(name), shutil.which(name), Path("/usr/sbin") / name):
            if found and Path(found).is_file():
                return str(found)
    message = f"{' or '.join(names)} is not installed"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{message} (CI=true: .ci/run installs it)")
    pytest.skip(message)
