"""A normal (non-editable) install, as the image makes it: the wheel carries the migrations, the
ticket font and the web client, and applies the migrations from wherever it is unpacked."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from app.adapters.db.migrations import alembic_config
from tests.deploy.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), "."],
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    [built] = out.glob("muster-*.whl")
    return built


def test_the_wheel_ships_the_migrations_the_font_and_the_web_client(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    revisions = {p.name for p in (ROOT / "alembic" / "versions").glob("*.py")}
    assert {"app/alembic.ini", "app/alembic/env.py", "app/alembic/script.py.mako"} <= names
    assert {f"app/alembic/versions/{name}" for name in revisions} <= names
    assert {"app/adapters/tickets/fonts/DejaVuSans.ttf", "app/adapters/tickets/fonts/LICENSE"} <= names
    assets = ROOT / "src" / "app" / "api" / "web_assets"
    shipped = {f"app/api/web_assets/{p.relative_to(assets).as_posix()}" for p in assets.rglob("*") if p.is_file()}
    assert {"app/api/web_assets/index.html", "app/api/web_assets/live.js"} <= shipped <= names
    assert not any("__pycache__" in name or name.startswith(("tests/", "src/")) for name in names)


def test_the_unpacked_wheel_migrates_a_database_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import app\n"
        "assert app.__file__.startswith(sys.argv[1]), app.__file__\n"
        "from app.adapters.db.migrations import upgrade; upgrade(sys.argv[2])\n"
        "import sqlite3; print(sqlite3.connect(sys.argv[3]).execute('SELECT version_num FROM alembic_version')"
        ".fetchone()[0])"
    )
    db = tmp_path / "muster.db"
    done = subprocess.run(
        [sys.executable, "-c", script, str(site), f"sqlite+aiosqlite:///{db}", str(db)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    [head] = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert done.stdout.split()[-1] == head
