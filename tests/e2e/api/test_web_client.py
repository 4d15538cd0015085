"""The web client at ``/``: served with a strict content policy, renders server text as text, and
calls only paths this app serves."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import create_app
from tests.conftest import Api, settings_for

SCRIPT = Path(__file__).parents[3] / "src" / "app" / "api" / "web_assets" / "app.js"


def _normalized(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/"


async def test_the_page_and_its_script_are_served_with_a_strict_policy(api: Api) -> None:
    page = await api.client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<script src="/web/app.js"></script>' in page.text
    assert 'id="login-form"' in page.text and 'id="messages"' in page.text and 'id="metrics"' in page.text

    script = await api.client.get("/web/app.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert script.content == SCRIPT.read_bytes()
    # Server text (names, messages) is only ever set as text, never parsed as HTML.
    assert "textContent" in script.text
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", script.text)


def test_every_path_the_script_calls_is_served_by_the_app(sqlite_url: str) -> None:
    app = create_app(settings_for(sqlite_url))
    served = {_normalized(route.path) for route in app.routes}
    called = {
        _normalized(re.sub(r"\$\{[^}]*\}", "{}", match))
        for match in re.findall(r"[`\"'](/(?:api|ws)/[^`\"'?]*)", SCRIPT.read_text())
    }
    assert {"/api/token", "/api/chats/{}/join", "/ws/chat/{}", "/ws/events/{}"} <= called
    assert called - served == set()


def test_the_script_parses() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the script's syntax is not checked here")
    result = subprocess.run([node, "--check", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _connect_src(response: Any) -> list[str]:
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    return str(policy["connect-src"]).split()


async def test_the_page_may_connect_only_to_its_own_origin_and_its_sockets(api: Api) -> None:
    page = await api.client.get("/", headers={"Host": "muster.example:8443"})
    script = await api.client.get("/web/app.js", headers={"Host": "muster.example:8443"})
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
