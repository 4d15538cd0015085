"""The served OpenAPI document, made to tell the truth: summaries in words, a security requirement
only where a token is needed, each operation's real error answers with their ``code``s, and
component names without module paths."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.api.openapi.errors import STATUS_TEXT, ErrorDoc, error_docs, inputs_of

BEARER = "BearerAuth"
ERROR_SCHEMA = "Error"
_WORD = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+")
# Litestar names a generic's components after the full path of its argument, and clashing names
# after their module: ``PageOut_app.api.schemas.chat.RoomOut_`` and ``chat_MemberOut``.
_GENERIC = re.compile(r"^(?P<outer>[A-Za-z0-9]+)_(?:[A-Za-z0-9_]+\.)*(?P<inner>[A-Za-z0-9]+)_$")
_MODULE_PREFIX = re.compile(r"^(?P<module>[a-z][a-z0-9]*)_(?P<name>[A-Z][A-Za-z0-9]*)$")


@dataclass(frozen=True, slots=True)
class Caller:
    """What an operation asks of its caller, read from its handler."""

    operation_id: str
    authenticated: bool  # a token is required
    optional_token: bool  # a token is read when sent
    rate_limited: bool
    summary: str | None = None


def error_component() -> dict[str, Any]:
    """The body every error answer has, as ``app.api.errors`` renders it."""
    return {
        "type": "object",
        "description": "An error: `status` repeats the HTTP status, `code` is stable for clients to switch on.",
        "required": ["status", "code", "detail"],
        "properties": {
            "status": {"type": "integer"},
            "code": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "description": "The fields at fault (invalid input only).",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    }


def summary_of(operation_id: str) -> str:
    """``ChangeExpeditionStatus`` → ``Change expedition status``."""
    words = _WORD.findall(operation_id)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else operation_id


def refine(document: dict[str, Any], callers: Mapping[str, Caller]) -> dict[str, Any]:
    """Rewrite Litestar's document in place (and return it); ``callers`` by ``operationId``."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas[ERROR_SCHEMA] = error_component()
    document.pop("security", None)
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                _refine_operation(operation, callers[operation["operationId"]], schemas)
    return _rename_components(document)


def _refine_operation(operation: dict[str, Any], caller: Caller, schemas: dict[str, Any]) -> None:
    operation["summary"] = caller.summary or summary_of(caller.operation_id)
    if caller.authenticated:
        operation["security"] = [{BEARER: []}]
    elif caller.optional_token:
        operation["security"] = [{}, {BEARER: []}]
    else:
        operation.pop("security", None)
    responses = operation.setdefault("responses", {})
    for status in [key for key in responses if key.startswith(("4", "5"))]:
        del responses[status]
    docs = error_docs(
        caller.operation_id,
        inputs_of(operation, schemas),
        authenticated=caller.authenticated or caller.optional_token,
        rate_limited=caller.rate_limited,
        needs_services=caller.operation_id != "Health",
    )
    by_status: dict[int, list[ErrorDoc]] = {}
    for doc in docs:
        by_status.setdefault(doc.status, []).append(doc)
    for status, group in by_status.items():
        if status == 503 and "200" in responses and caller.operation_id == "Ready":
            responses["503"] = {**responses["200"], "description": "Not ready: the checks that failed, with reasons."}
            continue
        responses[str(status)] = error_response(status, group)


def error_response(status: int, docs: list[ErrorDoc]) -> dict[str, Any]:
    """One status's answer: the error body with ``code`` limited to ``docs``' codes, each explained."""
    lines = [STATUS_TEXT.get(status, "Error."), ""]
    for doc in docs:
        extras = f" (also `{'`, `'.join(doc.extras)}`)" if doc.extras else ""
        lines.append(f"- `{doc.code}`: {doc.detail}{extras}")
    response: dict[str, Any] = {
        "description": "\n".join(lines),
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"},
                        {
                            "type": "object",
                            "properties": {
                                "status": {"const": status},
                                "code": {"enum": [doc.code for doc in docs]},
                            },
                        },
                    ]
                },
                "example": {"status": status, "code": docs[0].code, "detail": docs[0].detail},
            }
        },
    }
    if status in (429, 503):
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
        }
    return response


def readable_name(name: str) -> str:
    """``PageOut_app.api.schemas.chat.RoomOut_`` → ``RoomOutPage``; ``chat_MemberOut`` → ``ChatMemberOut``."""
    if generic := _GENERIC.match(name):
        outer = generic["outer"].removesuffix("Out")
        return f"{generic['inner']}{outer}"
    if prefixed := _MODULE_PREFIX.match(name):
        return f"{prefixed['module'].title()}{prefixed['name']}"
    return name


def _rename_components(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    renames = {name: readable_name(name) for name in schemas}
    if len(set(renames.values())) != len(renames):
        raise ValueError("two schema components would get the same readable name")
    document["components"]["schemas"] = {renames[name]: schema for name, schema in schemas.items()}
    prefix = "#/components/schemas/"
    refs = {f"{prefix}{old}": f"{prefix}{new}" for old, new in renames.items() if old != new}
    return _replace_refs(document, refs) if refs else document


def _replace_refs(node: Any, refs: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                node[key] = refs.get(value, value)
            else:
                _replace_refs(value, refs)
    elif isinstance(node, list):
        for item in node:
            _replace_refs(item, refs)
    return node
