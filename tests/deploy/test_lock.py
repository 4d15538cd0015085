"""requirements.lock (the image's dependencies) pins every dependency of pyproject.toml at a version
it allows, with hashes, and every package those need in turn."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.deploy.conftest import ROOT

LOCK = (ROOT / "requirements.lock").read_text()
PINS = {canonicalize_name(n): Version(v) for n, v in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", LOCK, re.MULTILINE)}
DEPENDENCIES = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]


def test_every_dependency_is_pinned_at_a_version_pyproject_allows() -> None:
    for requirement in DEPENDENCIES:
        name = canonicalize_name(requirement.name)
        assert name in PINS, f"{requirement} is not in requirements.lock: refresh it"
        assert requirement.specifier.contains(PINS[name], prereleases=True), (str(requirement), str(PINS[name]))


def test_every_pin_carries_hashes() -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.split("\n", 2)[2])
    pinned = [e for e in entries if "==" in e.split()[0]]
    assert len(pinned) == len(PINS) > len(DEPENDENCIES)
    assert all("--hash=sha256:" in e for e in pinned)


def test_what_the_dependencies_need_in_turn_is_pinned_too() -> None:
    """Walks the installed dependency tree (with the extras pyproject asks for, markers evaluated
    here): a package pyproject pulls in that the lock does not pin means a stale lock. Only the
    requirements of a package installed at its locked version are followed (another version, newer
    than the lock, may need other packages)."""
    seen: set[str] = set()
    todo = [(r, frozenset(r.extras)) for r in DEPENDENCIES]
    while todo:
        requirement, extras = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            metadata = distribution(name)
        except PackageNotFoundError:
            continue  # not for this platform (its marker was false where the venv was made)
        if name in PINS and Version(metadata.version) != PINS[name]:
            continue
        for raw in metadata.requires or []:
            child = Requirement(raw)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras or {""}):
                todo.append((child, frozenset(child.extras)))
    missing = sorted(seen - set(PINS))
    assert not missing, f"not in requirements.lock: {missing}; refresh it"
