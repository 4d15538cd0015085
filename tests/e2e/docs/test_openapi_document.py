"""The OpenAPI document tells the truth: words for summaries, docstrings for descriptions, described
tags, readable names, security only where a token is read, and every error answer with its codes."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import app as app_package
from app.api.openapi.raises import RAISES
from app.core.shared.errors import DomainError

SRC = Path(app_package.__file__).parent
# Raised only on sockets or in the admin panel (retrying a job), never by an HTTP operation.
NOT_HTTP = {
    "invalid_frame",
    "unknown_frame",
    "frame_too_large",
    "message_not_stored",
    "forbidden",
    "admin_only",
    "job_not_failed",
}
PUBLIC = {"Health", "Ready", "RegisterUser", "ActivateUser", "ObtainToken", "RefreshToken", "ListEvents"}
_MENTIONED_CODE = re.compile(r"``([a-z]+(?:_[a-z]+)+)``")


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in document["paths"].values() for op in item.values() if isinstance(op, dict)]


def _codes(operation: dict[str, Any]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for status, response in operation["responses"].items():
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if "allOf" in schema:
            found[int(status)] = schema["allOf"][1]["properties"]["code"]["enum"]
    return found


def test_every_operation_has_words_a_docstring_and_a_declared_error_list(openapi: dict[str, Any]) -> None:
    operations = _operations(openapi)
    assert len(operations) > 50
    ids = {op["operationId"] for op in operations}
    assert ids == set(RAISES), f"missing in RAISES: {ids - set(RAISES)}; stale: {set(RAISES) - ids}"
    for op in operations:
        assert op.get("description"), op["operationId"]
        assert " " in op["summary"] or op["summary"] in {"Health", "Ready", "Reserve"}, op["summary"]
        assert op["summary"][0].isupper() and not any(c.isupper() for c in op["summary"][1:]), op["summary"]


def test_every_tag_is_described(openapi: dict[str, Any]) -> None:
    described = {tag["name"]: tag.get("description") for tag in openapi["tags"]}
    used = {tag for op in _operations(openapi) for tag in op["tags"]}
    assert used <= set(described), used - set(described)
    assert all(described.values())


def test_schema_names_carry_no_module_paths(openapi: dict[str, Any]) -> None:
    names = list(openapi["components"]["schemas"])
    assert "RoomOutPage" in names and "ChatMemberOut" in names
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", name) for name in names), names
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', str(openapi).replace("'", '"'))
    assert set(refs) <= set(names)


def test_only_operations_that_read_a_token_have_a_security_requirement(openapi: dict[str, Any]) -> None:
    assert "security" not in openapi
    for op in _operations(openapi):
        if op["operationId"] in PUBLIC:
            assert "security" not in op, op["operationId"]
            assert "not_authenticated" not in _codes(op).get(401, []), op["operationId"]
        elif op["operationId"] in {"GetEvent", "GetEventMetrics"}:
            assert op["security"] == [{}, {"BearerAuth": []}]
        else:
            assert op["security"] == [{"BearerAuth": []}], op["operationId"]
            assert "not_authenticated" in _codes(op)[401], op["operationId"]


def test_error_answers_are_the_real_error_body(openapi: dict[str, Any]) -> None:
    error = openapi["components"]["schemas"]["Error"]
    assert error["required"] == ["status", "code", "detail"]
    assert set(error["properties"]) == {"status", "code", "detail", "errors"}
    change = openapi["paths"]["/api/expeditions/{expedition_id}/status"]["post"]
    codes = _codes(change)
    assert codes[409] == [
        "invalid_transition",
        "too_early",
        "not_enough_members",
        "over_capacity",
        "member_busy",
    ]
    assert "expedition_not_found" in codes[404] and "not_found" in codes[404]
    assert "not_chief" in codes[403]
    assert {"validation_error", "invalid_json", "json_too_deep"} <= set(codes[400])
    assert "member_id" in change["responses"]["409"]["description"]
    assert "Retry-After" in openapi["paths"]["/api/token"]["post"]["responses"]["429"]["headers"]
    assert "status_code" not in str(openapi["paths"])  # Litestar's own error body is gone


def test_codes_a_docstring_names_are_documented_on_its_operation(openapi: dict[str, Any]) -> None:
    all_codes = {cls.code for cls in _domain_errors()} | {"validation_error", "invalid_text"}
    for op in _operations(openapi):
        documented = {code for codes in _codes(op).values() for code in codes}
        mentioned = set(_MENTIONED_CODE.findall(op["description"])) & all_codes
        assert mentioned <= documented, (op["operationId"], mentioned - documented)


def test_every_error_the_app_raises_over_http_is_documented_somewhere(openapi: dict[str, Any]) -> None:
    raised = _raised_error_names()
    documented = {code for op in _operations(openapi) for codes in _codes(op).values() for code in codes}
    by_name = {cls.__name__: cls for cls in _domain_errors()}
    undocumented = {
        name
        for name in raised
        if name in by_name and by_name[name].code not in documented and by_name[name].code not in NOT_HTTP
    }
    assert not undocumented, undocumented


def _domain_errors() -> list[type[DomainError]]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    found: list[type[DomainError]] = []
    stack = [DomainError]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


def _raised_error_names() -> set[str]:
    """Every error class named in a ``raise`` (or built to be raised, ``SomeError(...)``) in the app."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                target = node.func
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name.endswith("Error"):
                    names.add(name)
    return names
