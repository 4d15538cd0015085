"""The desk's pages and modules as HTTP serves them: the strict page policy, every module a page
loads or imports served with its media type, nothing outside web_assets/, and every API path the
modules call served by the app."""

from __future__ import annotations

import posixpath
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import create_app
from tests.conftest import Api, running_api, settings_for

ASSETS = Path(__file__).parents[3] / "src" / "app" / "api" / "web_assets"
DESK = sorted((ASSETS / "desk").glob("*.js"))
IMPORT = re.compile(r"""(?:import|from)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")


@pytest.fixture
async def web(sqlite_url: str) -> AsyncIterator[Api]:
    async with running_api(settings_for(sqlite_url)) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "module"), [("/desk/", "/web/desk/desk.js"), ("/expeditions/", "/web/desk/expeditions.js")]
)
async def test_each_page_is_served_with_the_strict_policy_and_loads_its_module(
    web: Api, path: str, module: str
) -> None:
    for url in (path, path.rstrip("/")):
        page = await web.client.get(url, follow_redirects=True)
        assert page.status_code == 200, url
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.headers["content-security-policy"].startswith("default-src 'self';")
        assert f'<script type="module" src="{module}"></script>' in page.text
        assert '<header id="nav"></header>' in page.text
        assert "<script>" not in page.text  # no inline script: the policy would refuse it


async def test_every_module_reached_from_the_pages_is_served_with_its_media_type(web: Api) -> None:
    pending, seen = ["/web/desk/desk.js", "/web/desk/expeditions.js"], set()
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        response = await web.client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "text/javascript; charset=utf-8"
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.content == (ASSETS / url.removeprefix("/web/")).read_bytes()
        base = url.rsplit("/", 1)[0]
        for relative in IMPORT.findall(response.text):
            pending.append(posixpath.normpath(posixpath.join(base, relative)))
    expected = {f"/web/{p.relative_to(ASSETS).as_posix()}" for p in DESK} | {
        f"/web/{name}" for name in ("session.js", "api.js", "live.js", "nav.js")
    }
    assert expected <= seen
    for sheet in ("/web/base.css", "/web/desk/desk.css"):
        styles = await web.client.get(sheet)
        assert styles.status_code == 200 and styles.headers["content-type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize(
    "path", ["/web/nothing.js", "/web/../web.py", "/web/%2e%2e/web.py", "/web/desk/../../errors.py"]
)
async def test_nothing_outside_the_assets_is_served(web: Api, path: str) -> None:
    response = await web.client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _normalized(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/"


def test_every_path_the_desk_calls_is_served_by_the_app_and_text_stays_text(sqlite_url: str) -> None:
    served = {_normalized(route.path) for route in create_app(settings_for(sqlite_url)).routes}
    called: set[str] = set()
    for module in DESK:
        source = module.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", source), module
        called |= {
            _normalized(re.sub(r"\$\{[^}]*\}", "{}", match))
            for match in re.findall(r"[`\"'](/(?:api|ws)/[^`\"'?]*)", source)
        }
    assert {
        "/api/organizer/events",
        "/api/check-in",
        "/ws/events/{}",
        "/ws/expeditions",
        "/api/expeditions/{}/{}",
    } <= called
    # The action segments (publish, cancel, confirm, reject, decline) are joined in by the page.
    concrete = {path for path in called if not path.endswith("/{}/{}")}
    assert concrete - served == set()
