"""Schemathesis' status-code and response-schema conformance checks over every operation of the
served OpenAPI document, against a real server on PostgreSQL: each answer, refusals included, must
have a documented status and match its documented body, so an error ``code`` an operation returns
but does not list fails here (each status's ``code`` is an enum of the operation's codes).

Bounded and repeatable: a fixed number of examples per operation, caller and mode, derandomized."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.e2e.fuzz.examples import failures, served_document
from tests.e2e.fuzz.world import World

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2}
ROLES = ("anonymous", "member", "organizer")
CHECKS = [status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def schema(world: World) -> Any:
    return schemathesis.openapi.from_dict(served_document(world))


@pytest.mark.timeout(300)
@pytest.mark.parametrize("role", ROLES)
def test_every_answer_matches_the_schema_when_called_as(role: str, world: World, schema: Any) -> None:
    headers = world.headers(role)

    def conforms(operation: Any, mode: GenerationMode, case: Any) -> str | None:
        response = case.call(base_url=world.server.base_url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as error:  # a FailureGroup naming every failed check
            return (
                f"{operation.label} {role} {mode.value}: {response.status_code} {response.text[:300]!r}\n"
                f"    {str(error)[:400]}"
            )
        return None

    found = failures(schema, EXAMPLES, conforms)
    assert not found, f"{len(found)} answers broke the schema:\n" + "\n".join(found[:40])


def test_the_checks_refuse_a_code_the_schema_does_not_list(world: World) -> None:
    document = served_document(world)
    unauthorized = document["paths"]["/api/users/me"]["get"]["responses"]["401"]
    codes = unauthorized["content"]["application/json"]["schema"]["allOf"][1]["properties"]["code"]["enum"]
    assert "not_authenticated" in codes
    codes.remove("not_authenticated")
    operation = schemathesis.openapi.from_dict(document)["/api/users/me"]["GET"]
    case = operation.Case()
    response = case.call(base_url=world.server.base_url, timeout=30)
    assert response.status_code == 401
    with pytest.raises(FailureGroup) as refused:
        case.validate_response(response, checks=CHECKS)
    assert any("not_authenticated" in str(failure) for failure in refused.value.exceptions)
