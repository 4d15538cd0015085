"""The web client at ``/``: served with a strict content policy, renders server text as text, and
calls only paths this app serves."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.api.web import MEDIA_TYPES
from app.bootstrap import create_app
from tests.conftest import Api, settings_for

ASSETS = Path(__file__).parents[3] / "src" / "app" / "api" / "web_assets"
SCRIPTS = sorted(ASSETS.rglob("*.js"))


def _normalized(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/"


async def test_the_page_and_its_modules_are_served_with_a_strict_policy(api: Api) -> None:
    page = await api.client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<script type="module" src="/web/chat/main.js"></script>' in page.text
    assert 'id="login-form"' in page.text and 'id="messages"' in page.text
    assert "<script>" not in page.text and " style=" not in page.text  # no inline script or style

    for script in SCRIPTS:
        served = await api.client.get("/web/" + script.relative_to(ASSETS).as_posix())
        assert served.status_code == 200, script
        assert served.headers["content-type"] == "text/javascript; charset=utf-8"
        assert served.headers["content-security-policy"] == policy
        assert served.content == script.read_bytes()
    css = await api.client.get("/web/base.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")


def test_server_text_is_only_ever_set_as_text() -> None:
    assert SCRIPTS, "no script found"
    for script in SCRIPTS:
        text = script.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function", text), (
            script
        )
    assert "textContent" in (ASSETS / "dom.js").read_text()


async def test_only_files_of_the_web_client_are_served_under_web(api: Api) -> None:
    for path in ("/web/../web.py", "/web/%2e%2e/web.py", "/web/.hidden.js", "/web/chat/", "/web/nope.js", "/web/x.py"):
        refused = await api.client.get(path)
        assert refused.status_code == 404, path
        assert refused.json()["code"] == "not_found"
    assert all(path.suffix in MEDIA_TYPES for path in ASSETS.rglob("*") if path.is_file())


def test_every_path_the_scripts_call_is_served_by_the_app(sqlite_url: str) -> None:
    app = create_app(settings_for(sqlite_url))
    served = {_normalized(route.path) for route in app.routes}
    called = {
        _normalized(re.sub(r"\$\{[^}]*\}", "{}", match))
        for script in SCRIPTS
        for match in re.findall(r"[`\"'](/(?:api|ws)/[^`\"'?]*)", script.read_text())
    }
    assert {"/api/token", "/api/users", "/api/chats/{}/join", "/ws/chat/{}", "/ws/chats"} <= called
    # A ``{}`` the script fills may stand for a path parameter or a literal segment (an action name).
    patterns = [re.compile("^" + re.escape(path).replace(re.escape("{}"), "[^/]+") + "$") for path in called]
    unserved = {path for path, pattern in zip(called, patterns, strict=True) if not any(map(pattern.match, served))}
    assert unserved == set()


def test_the_scripts_parse_as_modules() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the scripts' syntax is not checked here")
    for script in SCRIPTS:
        result = subprocess.run(
            [node, "--check", "--input-type=module"],
            input=script.read_text(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"{script}: {result.stderr}"


def _connect_src(response: Any) -> list[str]:
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    return str(policy["connect-src"]).split()


async def test_the_page_may_connect_only_to_its_own_origin_and_its_sockets(api: Api) -> None:
    page = await api.client.get("/", headers={"Host": "muster.example:8443"})
    script = await api.client.get("/web/chat/main.js", headers={"Host": "muster.example:8443"})
    secure = await api.client.get("https://testserver/", headers={"Host": "muster.example"})

    assert _connect_src(page) == ["'self'", "ws://muster.example:8443", "wss://muster.example:8443"]
    assert _connect_src(script) == _connect_src(page)
    assert _connect_src(secure) == ["'self'", "wss://muster.example"]


async def test_a_host_header_cannot_widen_the_page_policy(api: Api) -> None:
    refused = await api.client.get("/", headers={"Host": "evil.example; script-src *"})
    assert (refused.status_code, refused.json()["code"]) == (400, "bad_request")
    odd = await api.client.get("/", headers={"Host": "odd_name.example"})  # served, but not copied into the policy
    assert odd.status_code == 200
    assert _connect_src(odd) == ["'self'"]
