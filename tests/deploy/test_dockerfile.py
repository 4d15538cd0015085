"""The Dockerfile lints clean with hadolint and builds what production needs: two stages, the
locked dependencies checked by hash, a normal install, an unprivileged user, a HEALTHCHECK."""

from __future__ import annotations

import re
import subprocess

from tests.deploy.conftest import ROOT, tool

DOCKERFILE = (ROOT / "Dockerfile").read_text()
INSTRUCTIONS = [
    line.strip() for line in re.sub(r"\\\n\s*", " ", DOCKERFILE).splitlines() if line.strip() and line[0] != "#"
]


def test_hadolint_finds_nothing() -> None:
    done = subprocess.run([tool("hadolint"), str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


def test_two_stages_and_the_runtime_copies_only_the_virtualenv() -> None:
    stages = [i for i in INSTRUCTIONS if i.startswith("FROM ")]
    assert stages == ["FROM ${PYTHON_IMAGE} AS build", "FROM ${PYTHON_IMAGE}"]
    runtime = INSTRUCTIONS[INSTRUCTIONS.index("FROM ${PYTHON_IMAGE}") :]
    assert [i for i in runtime if i.startswith("COPY ")] == ["COPY --from=build /opt/venv /opt/venv"]
    assert re.search(r"^ARG PYTHON_IMAGE=python:\d+\.\d+\.\d+-slim-\w+$", DOCKERFILE, re.MULTILINE)


def test_locked_dependencies_then_a_normal_install() -> None:
    pips = [i for i in INSTRUCTIONS if "pip install" in i]
    assert pips[0] == "RUN pip install --require-hashes --no-deps -r requirements.lock"
    assert all(" -e " not in i and "--editable" not in i for i in pips)
    assert "pip install --no-deps --no-index /wheels/muster-*.whl" in pips[1]


def test_runs_as_an_unprivileged_user_with_a_readiness_healthcheck() -> None:
    [user] = [i for i in INSTRUCTIONS if i.startswith("USER ")]
    assert user.split()[1].split(":")[0] not in {"0", "root"}
    [check] = [i for i in INSTRUCTIONS if i.startswith("HEALTHCHECK ")]
    assert "/ready/" in check and "urllib.request" in check
    assert INSTRUCTIONS[-1] == 'CMD ["python", "-m", "app", "serve"]'


def test_the_build_context_holds_only_what_the_build_copies() -> None:
    rules = [line.rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines() if line[:1] not in "#"]
    copies = [i.split()[1:-1] for i in INSTRUCTIONS if i.startswith("COPY ") and "--from" not in i]
    assert rules[0] == "*"  # everything is left out but what is let in again
    assert {f"!{name.rstrip('/')}" for names in copies for name in names} <= set(rules)
