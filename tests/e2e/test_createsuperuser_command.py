"""``python -m app createsuperuser`` makes an admin, and without a terminal asks for the password
by option or environment instead of failing on a prompt nobody can answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.adapters.db.migrations import upgrade
from tests.conftest import ROOT, in_thread, server_env, settings_for


def _createsuperuser(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "app", "createsuperuser", "--email", "root@example.com", "--name", "Root", *extra]
    return subprocess.run(args, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def test_createsuperuser_needs_a_password_without_a_terminal_then_makes_an_admin(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}"
    in_thread(upgrade, url)
    env = server_env(settings_for(url))
    env.pop("MUSTER_ADMIN_PASSWORD", None)

    refused = _createsuperuser(env)
    assert refused.returncode == 2
    assert "--password or MUSTER_ADMIN_PASSWORD" in refused.stderr
    assert "Traceback" not in refused.stderr

    made = _createsuperuser(env, "--password", "s3cret-pass-1")
    assert made.returncode == 0, made.stderr
    assert "Admin root@example.com" in made.stdout and "is ready" in made.stdout

    again = _createsuperuser({**env, "MUSTER_ADMIN_PASSWORD": "s3cret-pass-2"})
    assert again.returncode == 0, again.stderr  # an existing account is promoted, not refused
