"""The command line, as an operator runs it: ``muster`` (``python -m app``) and the Litestar CLI,
which finds the app by itself and carries the same commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, server_env, settings_for

pytestmark = pytest.mark.slow

LITESTAR = str(Path(sys.executable).parent / "litestar")


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def muster(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "app", *args], env, cwd)


def fresh_env(tmp_path: Path, name: str = "cli.db") -> dict[str, str]:
    return server_env(settings_for(f"sqlite+aiosqlite:///{tmp_path / name}"))


def test_version_names_the_installed_package(tmp_path: Path) -> None:
    shown = muster("--version", env=fresh_env(tmp_path))
    assert shown.returncode == 0 and shown.stdout.strip() == "muster 0.1.0"


def test_migrate_lists_the_revisions_it_applied_then_says_it_is_at_head(tmp_path: Path) -> None:
    env = fresh_env(tmp_path)
    first = muster("migrate", env=env)
    assert first.returncode == 0, first.stderr
    applied = [line for line in first.stdout.splitlines() if line.startswith("Applied ")]
    assert applied[0].startswith("Applied 0001: accounts") and len(applied) >= 9
    assert f"({len(applied)} applied)" in first.stdout

    again = muster("migrate", env=env)
    assert again.returncode == 0, again.stderr
    assert "Applied" not in again.stdout and "is already at head" in again.stdout


def test_an_unreachable_database_is_one_line_and_a_failure_not_a_traceback(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "DATABASE_URL": f"postgresql://muster:hush@127.0.0.1:{free_port()}/muster"}
    for command in (["migrate"], ["createsuperuser", "--email", "root@example.com", "--password", "s3cret-pass-1"]):
        failed = muster(*command, env=env)
        assert failed.returncode == 1, failed.stdout
        [line] = failed.stderr.splitlines()
        assert line.startswith("muster: cannot reach the database at postgresql://muster:***@127.0.0.1:")
        assert "hush" not in line and "Connect call failed" in line


def test_an_unmigrated_database_says_to_migrate(tmp_path: Path) -> None:
    failed = muster(
        "createsuperuser", "--email", "root@example.com", "--password", "pw-123456", env=fresh_env(tmp_path)
    )
    assert failed.returncode == 1
    [line] = failed.stderr.splitlines()
    assert "has no schema yet" in line and line.endswith("run `muster migrate`")


def test_a_bad_setting_is_one_line_and_a_usage_error(tmp_path: Path) -> None:
    failed = muster("migrate", env={**fresh_env(tmp_path), "LOG_FORMAT": "xml"})
    assert (failed.returncode, failed.stderr.strip()) == (2, "muster: LOG_FORMAT must be console or json.")


def test_the_litestar_cli_finds_the_app_from_any_directory_and_has_the_commands(tmp_path: Path) -> None:
    env = fresh_env(tmp_path)
    env.pop("LITESTAR_APP", None)
    routes = run([LITESTAR, "routes"], env, tmp_path)
    assert routes.returncode == 0, routes.stderr
    assert "/metrics" in routes.stdout and "/api/users/me" in routes.stdout

    helped = run([LITESTAR, "--help"], env, tmp_path)
    for command in ("createsuperuser", "worker", "migrate", "serve", "database", "run", "routes"):
        assert f" {command} " in helped.stdout, helped.stdout

    upgraded = run([LITESTAR, "database", "upgrade"], env, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Applied 0001: accounts" in upgraded.stdout
    made = run(
        [LITESTAR, "createsuperuser", "--email", "root@example.com", "--password", "s3cret-pass-1"], env, tmp_path
    )
    assert made.returncode == 0 and "Admin root@example.com" in made.stdout, made.stderr
