"""Property-based fuzzing of every HTTP operation in the app's own OpenAPI schema, against a real
server on PostgreSQL, as an anonymous caller, a member, an organizer and an admin: valid and invalid
requests alike must never be answered with a 5xx.

Bounded and repeatable: a fixed number of examples per operation, caller and mode, derandomized."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.e2e.fuzz.examples import failures, served_document
from tests.e2e.fuzz.world import World

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 8}
# What an attacker adds to a generated request: control characters in every string, ids beyond
# 64 bits, timestamps that overflow in UTC, and a body nested past the limit.
POISONS = ("\x00", "\x1b", 2**63, "0001-01-01T00:00:00+14:00", "deep")
DEEP: Any = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
ROLES = ("anonymous", "member", "organizer", "admin")  # the admin last: it may take others' roles away


@pytest.fixture(scope="module")
def schema(world: World) -> Any:
    """The served schema, with the one rule it leaves unsaid: request bodies refuse unknown fields
    (so that valid examples reach the handlers instead of stopping at a 400)."""
    document = served_document(world)
    for component in document.get("components", {}).get("schemas", {}).values():
        if component.get("type") == "object" and "properties" in component:
            component.setdefault("additionalProperties", False)
    return schemathesis.openapi.from_dict(document)


def _poisoned(value: Any, poison: Any) -> Any:
    if isinstance(value, dict):
        return {key: _poisoned(item, poison) for key, item in value.items()}
    if isinstance(value, list):
        return [_poisoned(item, poison) for item in value]
    if isinstance(poison, int):
        return poison if isinstance(value, int) and not isinstance(value, bool) else value
    if poison.startswith("0001"):
        return poison if isinstance(value, str) and value[:2] in {"19", "20", "21"} else value
    return value + poison if isinstance(value, str) else value


def _poison(case: Any, poison: Any) -> None:
    """Spoil a generated request in place with one of ``POISONS``."""
    if poison == "deep":
        if isinstance(case.body, dict | list):
            case.body = {"nested": DEEP}
        return
    if isinstance(case.body, dict | list):
        case.body = _poisoned(case.body, poison)
    for part in ("query", "path_parameters"):
        if getattr(case, part):
            setattr(case, part, _poisoned(getattr(case, part), poison))


@pytest.mark.timeout(600)  # ~1,700 requests per caller: bounded, but past the default on a busy machine
@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_5xx_when_fuzzed_as(role: str, world: World, schema: Any) -> None:
    headers = world.headers(role)

    def never_5xx(operation: Any, mode: GenerationMode, case: Any, poison: Any) -> str | None:
        if poison is not None:
            _poison(case, poison)
        response = case.call(base_url=world.server.base_url, headers=headers, timeout=30)
        if response.status_code < 500:
            return None
        return (
            f"{role} {mode.value}: {response.status_code} {response.text[:200]!r}\n"
            f"    {case.as_curl_command(headers=headers, base_url=world.server.base_url)[:600]}"
        )

    found = failures(schema, EXAMPLES, never_5xx, poison=st.sampled_from((None, *POISONS)))
    assert not found, f"{len(found)} answers were 5xx:\n" + "\n".join(found[:30])
