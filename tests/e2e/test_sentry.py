"""With ``SENTRY_DSN`` set, errors and slow requests reach Sentry, refusals and fast requests do not
(the envelopes are kept by a local transport, nothing goes to the network)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.adapters.db.migrations import upgrade
from tests.conftest import ROOT, in_thread, server_env, settings_for

pytestmark = pytest.mark.slow


def test_errors_and_slow_transactions_reach_sentry_and_refusals_do_not(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'sentry.db'}"
    in_thread(upgrade, url)
    env = {
        **server_env(settings_for(url)),
        "SENTRY_DSN": "http://public@127.0.0.1:9/1",
        "SENTRY_SLOW_TRANSACTION_MS": "200",
        "SENTRY_ENVIRONMENT": "test",
    }
    probe = subprocess.run(
        [sys.executable, "-m", "tests.e2e.sentry_probe"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout)

    assert report["statuses"] == [500, 200, 200, 404]
    assert report["errors"] == [[["RuntimeError", "the probe broke"]]]  # the 404 refusal is not an error
    assert report["release"] == "muster@0.1.0"
    assert report["transactions"] == ["__main__.slow"]  # the 300 ms one; the fast ones are dropped
