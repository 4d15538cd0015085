"""The AsyncAPI document served beside the OpenAPI one (``/api/schema/asyncapi.json``) and a readable
page of it (``/api/schema/asyncapi``): plain HTML made on the server, no script, nothing fetched."""

from __future__ import annotations

import html
import json
import re
from functools import cached_property
from typing import Any

from litestar import Request
from litestar.enums import MediaType
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.serialization import encode_json

from app.asyncapi.document import build

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin-top:40px;border-bottom:2px solid #d0d5dd}
section.frame{background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:8px 14px;margin:10px 0}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f0f2f5;padding:8px;overflow:auto}
.dir{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;margin-right:6px}
.send{background:#dcefe1;color:#175c2c}.receive{background:#e1e8f7;color:#1f3f87}
table{border-collapse:collapse}td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}
"""


class AsyncApiDocument:
    """The document, built once per process on first use."""

    def __init__(self, version: str) -> None:
        self._version = version

    @cached_property
    def content(self) -> dict[str, Any]:
        return build(self._version)


class AsyncApiJsonPlugin(OpenAPIRenderPlugin):
    """``/api/schema/asyncapi.json``."""

    def __init__(self, document: AsyncApiDocument) -> None:
        super().__init__(path="/asyncapi.json", media_type=MediaType.JSON)
        self._document = document

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return encode_json(self._document.content)


class AsyncApiPagePlugin(OpenAPIRenderPlugin):
    """``/api/schema/asyncapi``: every socket, its frames each way with their fields, and its close codes."""

    def __init__(self, document: AsyncApiDocument) -> None:
        super().__init__(path=["/asyncapi", "/asyncapi.html"], favicon="")
        self._document = document

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return render_page(self._document.content).encode()


def asyncapi_pages(version: str) -> list[OpenAPIRenderPlugin]:
    """The AsyncAPI document and its page, as pages of the OpenAPI router."""
    document = AsyncApiDocument(version)
    return [AsyncApiJsonPlugin(document), AsyncApiPagePlugin(document)]


def _text(value: str) -> str:
    """Escaped text with ``code`` spans and paragraphs."""
    parts = html.escape(value.replace("``", "`")).split("`")
    inline = "".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts))
    inline = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", inline)
    return "".join(f"<p>{block.replace(chr(10), '<br>')}</p>" for block in inline.split("\n\n") if block.strip())


def _fields(schema: dict[str, Any], schemas: dict[str, Any]) -> str:
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("const", prop.get("enum", prop.get("type", prop.get("$ref", "").rsplit("/", 1)[-1] or "any")))
        note = "" if name in required else " (optional)"
        rows.append(f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(json.dumps(kind))}{note}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if rows else "<p>No fields.</p>"


def render_page(document: dict[str, Any]) -> str:
    """The document as one HTML page."""
    schemas = document["components"]["schemas"]
    messages = document["components"]["messages"]
    info = document["info"]
    body = [
        f"<h1>{html.escape(info['title'])}</h1><p>AsyncAPI {document['asyncapi']} · version {info['version']} · "
        "<a href='asyncapi.json'>asyncapi.json</a></p>",
        _text(info["description"]),
    ]
    for key, channel in document["channels"].items():
        body.append(
            f"<h2 id='{key}'>{html.escape(channel['title'])} <code>{html.escape(channel['address'])}</code></h2>"
        )
        body.append(_text(channel["description"]))
        for action in ("send", "receive"):
            operation = document["operations"][f"{key}.{action}"]
            label = "server → client" if action == "send" else "client → server"
            for ref in operation["messages"]:
                message = messages[ref["$ref"].rsplit("/", 1)[-1]]
                body.append(
                    f"<section class='frame'><h3><span class='dir {action}'>{label}</span>"
                    f"<code>{html.escape(message['name'])}</code></h3>{_text(message.get('description', ''))}"
                    f"{_fields(message['payload'], schemas)}</section>"
                )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Muster sockets · AsyncAPI</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>"
    )
