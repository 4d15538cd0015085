"""The AsyncAPI document is valid AsyncAPI 3 and names every frame the sockets send and accept.

The AsyncAPI 3.0.0 JSON Schema beside this file is ``schemas/3.0.0-without-$id.json`` of the npm
package ``@asyncapi/specs`` 6.11.1 (Apache-2.0), re-serialized compactly."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, get_args

import httpx
import jsonschema_rs
import pytest
from litestar import Litestar

import app as app_package
from app.asyncapi import build
from app.ws import chat_frames, chat_wire, ticketing
from app.ws import expeditions as expeditions_socket
from tests.conftest import app_lifespan

SPEC = Path(__file__).with_name("asyncapi-3.0.0.schema.json")
WS = Path(app_package.__file__).parent / "ws"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build("1.2.3")


def _kinds(document: dict[str, Any], channel: str, action: str) -> set[str]:
    messages = document["components"]["messages"]
    refs = document["operations"][f"{channel}.{action}"]["messages"]
    return {messages[ref["$ref"].rsplit("/", 1)[-1]]["name"] for ref in refs}


def test_the_document_is_valid_asyncapi_3(document: dict[str, Any]) -> None:
    validator = jsonschema_rs.Draft7Validator(json.loads(SPEC.read_text()))
    errors = [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(document)]
    assert not errors, errors[:10]
    assert document["asyncapi"] == "3.0.0"
    assert {c["address"] for c in document["channels"].values()} == {
        "/ws/expeditions/",
        "/ws/events/{event_id}/",
        "/ws/chat/{chat_id}/",
        "/ws/chats/",
    }


def test_a_broken_document_is_refused_by_the_schema(document: dict[str, Any]) -> None:
    validator = jsonschema_rs.Draft7Validator(json.loads(SPEC.read_text()))
    broken = {**document, "operations": {"x": {"action": "publish", "channel": {"$ref": "#/channels/chat"}}}}
    assert not validator.is_valid(broken)


def test_every_outbound_event_frame_is_sent_on_its_socket(document: dict[str, Any]) -> None:
    for channel, table in (
        ("expeditions", expeditions_socket.OUTBOUNDS),
        ("eventMetrics", ticketing.OUTBOUNDS),
        ("chat", chat_wire.OUTBOUNDS),
    ):
        sent = _kinds(document, channel, "send")
        for event_type in table:
            frame_schema = document["components"]["schemas"][f"{event_type.__name__}Frame"]
            assert frame_schema["properties"]["type"]["const"] in sent, (channel, event_type)


def test_every_client_frame_is_accepted_on_its_socket(document: dict[str, Any]) -> None:
    chat_kinds = {str(frame.__struct_config__.tag) for frame in get_args(chat_frames.ClientFrame)}
    assert chat_kinds == chat_frames.CLIENT_FRAME_TYPES
    assert {*chat_kinds, "resume"} == _kinds(document, "chat", "receive")
    assert {"subscribe", "unsubscribe", "ping", "resume"} == _kinds(document, "expeditions", "receive")
    assert {"ping", "refresh", "resume"} == _kinds(document, "eventMetrics", "receive")


def test_every_action_a_socket_reads_is_documented(document: dict[str, Any]) -> None:
    """Each ``action == "..."`` a socket compares against is a client frame of the document."""
    accepted = {k for c in document["channels"] for k in _kinds(document, c, "receive")}
    read: set[str] = set()
    for path in WS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "action":
                read |= {c.value for c in node.comparators if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    assert read and read <= accepted, read - accepted


def test_every_frame_literal_of_the_sockets_is_documented_with_its_fields(document: dict[str, Any]) -> None:
    """Each ``{"type": "...", ...}`` written in ``app/ws`` is a server frame of the document, and its
    named fields are fields of that frame."""
    schemas = document["components"]["schemas"]
    messages = document["components"]["messages"]
    fields: dict[str, set[str]] = {}
    for channel in document["channels"]:
        for ref in document["operations"][f"{channel}.send"]["messages"]:
            message = messages[ref["$ref"].rsplit("/", 1)[-1]]
            schema = schemas[message["payload"]["$ref"].rsplit("/", 1)[-1]]
            fields.setdefault(message["name"], set()).update(schema["properties"])
    literals = 0
    for path in WS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Dict):
                continue
            values = {k.value: v for k, v in zip(node.keys, node.values, strict=True) if isinstance(k, ast.Constant)}
            keys = set(values)
            kind = values.get("type")
            if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                literals += 1
                assert kind.value in fields, f"{path.name}: frame {kind.value!r} is not in the document"
                assert keys <= fields[kind.value], (kind.value, keys - fields[kind.value])
    assert literals >= 10


async def test_the_document_and_its_page_are_served(app: Litestar) -> None:
    async with (
        app_lifespan(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client,  # type: ignore[arg-type]
    ):
        served = await client.get("/api/schema/asyncapi.json")
        page = await client.get("/api/schema/asyncapi")
    assert served.status_code == 200 and served.json()["asyncapi"] == "3.0.0"
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for text in ("/ws/chat/{chat_id}/", "member_invited", "4401", "recovered", "client → server"):
        assert text in page.text
    assert "<script" not in page.text and "http" not in page.text.split("<body>", 1)[1]
