"""deploy/nginx.conf passes ``nginx -t``, and a real nginx running it in front of a real server
passes HTTP and WebSocket upgrades through: a message posted through the proxy reaches a socket
opened through the proxy."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from app.adapters.db.migrations import upgrade
from tests.conftest import LiveServer, free_port, in_thread, live_server, settings_for
from tests.deploy.conftest import ROOT, tool
from tests.e2e.ws.test_chat_socket import next_frame, private_chat, sign_up

CONFIG = (ROOT / "deploy" / "nginx.conf").read_text()


def nginx(config: Path, prefix: Path, *args: str) -> list[str]:
    return [tool("nginx"), "-p", str(prefix), "-c", str(config), "-g", f"pid {prefix}/nginx.pid;", *args]


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    done = subprocess.run(nginx(ROOT / "deploy" / "nginx.conf", tmp_path, "-t"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


@contextlib.contextmanager
def proxy_to(server: LiveServer, tmp_path: Path) -> Iterator[LiveServer]:
    """nginx with deploy/nginx.conf, but listening on a free port and sending to ``server``."""
    port, upstream = free_port(), server.base_url.removeprefix("http://")
    assert "set $app app:8000;" in CONFIG and "listen 8000;" in CONFIG
    config = tmp_path / "nginx.conf"
    config.write_text(
        CONFIG.replace("set $app app:8000;", f"set $app {upstream};").replace(
            "listen 8000;", f"listen 127.0.0.1:{port};"
        )
    )
    process = subprocess.Popen(nginx(config, tmp_path, "-g", "daemon off;"), stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health/", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, "nginx did not answer within 15 s"
            time.sleep(0.1)
        yield LiveServer(base_url=base, ws_url=f"ws://127.0.0.1:{port}", process=server.process)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[LiveServer]:
    """A real server on its own migrated SQLite database, behind a real nginx."""
    tool("nginx")
    url = f"sqlite+aiosqlite:///{tmp_path}/proxy.db"
    in_thread(upgrade, url)
    with live_server(settings_for(url)) as server, proxy_to(server, tmp_path) as proxied:
        yield proxied


@pytest.mark.slow
async def test_http_and_websocket_upgrades_pass_through_the_proxy(proxy: LiveServer) -> None:
    ann, bob = await sign_up(proxy, "ann"), await sign_up(proxy, "bob")
    chat_id = await private_chat(ann, bob)
    async with websockets.connect(f"{proxy.ws_url}/ws/chat/{chat_id}/?token={bob.token}") as ws:
        await next_frame(ws, "history")
        posted = await ann.call("POST", f"/api/chats/{chat_id}/messages/", json={"text": "Привет из похода"})
        assert posted.status_code == 201, posted.text
        frame = await next_frame(ws, "message")
    async with httpx.AsyncClient(base_url=proxy.base_url, timeout=5) as http:
        ready = await http.get("/ready/")
    assert frame["text"] == "Привет из похода"
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    assert ready.headers["server"] == "nginx"  # server_tokens off: no version
