"""Dependencies point inward: the import-linter contracts of pyproject.toml, checked on every run."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

from importlinter.cli import lint_imports

SRC = Path(__file__).resolve().parents[2] / "src" / "app"
FORBIDDEN_IN_CORE = (
    "litestar",
    "sqlalchemy",
    "advanced_alchemy",
    "redis",
    "msgspec",
    "app.adapters",
    "app.api",
    "app.ws",
)


def test_import_contracts_hold() -> None:
    # import-linter configures logging with dictConfig's default, which disables every logger that
    # exists already: the tests run after this one would capture nothing the app logs.
    existing = [logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    disabled = {logger: logger.disabled for logger in existing}
    try:
        assert lint_imports(config_filename=str(SRC.parents[1] / "pyproject.toml"), no_cache=True) == 0
    finally:
        for logger, was_disabled in disabled.items():
            logger.disabled = was_disabled


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _is_use_case_module(path: Path) -> bool:
    """Use cases live in a context's ``service.py`` or, for a context with several services, in its
    ``services/`` package; every other core module (model, rules, errors...) is plain domain code."""
    return path.name == "service.py" or path.parent.name == "services"


def test_core_models_and_rules_never_import_ports() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in (SRC / "core").rglob("*.py")
        if not _is_use_case_module(path) and any(name.startswith("app.ports") for name in _imports(path))
    ]
    assert offenders == []


def test_core_and_ports_import_no_framework_even_lazily() -> None:
    offenders = {
        str(path.relative_to(SRC)): sorted(n for n in _imports(path) if n.startswith(FORBIDDEN_IN_CORE))
        for folder in ("core", "ports")
        for path in (SRC / folder).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
