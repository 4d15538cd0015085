"""The app's documents, generated in process (no database is touched to build them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from app.bootstrap import create_app
from tests.conftest import settings_for


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    database = Path(tmp_path_factory.mktemp("docs")) / "docs.db"
    return create_app(settings_for(f"sqlite+aiosqlite:///{database}"))


@pytest.fixture(scope="module")
def openapi(app: Litestar) -> dict[str, Any]:
    return app.openapi_schema.to_schema()
