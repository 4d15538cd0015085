"""The WebSocket auth helper: token in the query or the Authorization header; 4401 otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, WebSocket, websocket
from litestar.di import NamedDependency, Provide
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from app.core.accounts.service import AccountsService
from app.ws.auth import UNAUTHENTICATED_CLOSE_CODE, authenticate_socket
from tests.builders import a_world, an_accounts_service


@pytest.fixture
def accounts_and_token() -> tuple[AccountsService, str]:
    import asyncio

    accounts = an_accounts_service(a_world())

    async def token() -> str:
        await accounts.register(email="ann@example.com", password="s3cret-pass", name="Ann")
        return (await accounts.obtain_tokens(email="ann@example.com", password="s3cret-pass", client="c")).access

    return accounts, asyncio.run(token())


def _app(accounts: AccountsService) -> Litestar:
    @websocket("/ws/whoami/")
    async def whoami(socket: WebSocket[Any, Any, Any], accounts: NamedDependency[AccountsService]) -> None:
        principal = await authenticate_socket(socket, accounts)
        if principal is None:
            return
        await socket.accept()
        await socket.send_json({"user_id": principal.user_id})
        await socket.close()

    return Litestar([whoami], dependencies={"accounts": Provide(lambda: accounts, sync_to_thread=False)})


def test_token_in_query_or_header_authenticates(accounts_and_token: tuple[AccountsService, str]) -> None:
    accounts, token = accounts_and_token
    with TestClient(_app(accounts)) as client:
        with client.websocket_connect(f"/ws/whoami/?token={token}") as ws:
            assert ws.receive_json(timeout=3) == {"user_id": 1}
        with client.websocket_connect("/ws/whoami/", headers={"Authorization": f"Bearer {token}"}) as ws:
            assert ws.receive_json(timeout=3) == {"user_id": 1}


@pytest.mark.parametrize("query", ["", "?token=garbage", "?token="])
def test_missing_or_bad_token_closes_with_4401(accounts_and_token: tuple[AccountsService, str], query: str) -> None:
    accounts, _ = accounts_and_token
    with (
        TestClient(_app(accounts)) as client,
        client.websocket_connect(f"/ws/whoami/{query}") as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_json(timeout=3)
    assert closed.value.code == UNAUTHENTICATED_CLOSE_CODE


def test_the_token_leaves_the_query_string_once_checked_and_the_rest_stays(
    accounts_and_token: tuple[AccountsService, str],
) -> None:
    accounts, token = accounts_and_token

    @websocket("/ws/query/")
    async def query(socket: WebSocket[Any, Any, Any], accounts: NamedDependency[AccountsService]) -> None:
        if await authenticate_socket(socket, accounts) is None:
            return
        await socket.accept()
        await socket.send_json({"query": socket.scope["query_string"].decode()})
        await socket.close()

    app = Litestar([query], dependencies={"accounts": Provide(lambda: accounts, sync_to_thread=False)})
    with TestClient(app) as client, client.websocket_connect(f"/ws/query/?since=5&token={token}&x=a%26b") as ws:
        assert ws.receive_json(timeout=3) == {"query": "since=5&x=a%26b"}
