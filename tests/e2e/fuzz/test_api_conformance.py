"""Schemathesis' status-code and response-schema conformance checks over every operation of the
served OpenAPI document, against a real server on PostgreSQL: each answer, refusals included, must
have a documented status and match its documented body, so an error ``code`` an operation returns
but does not list fails here (each status's ``code`` is an enum of the operation's codes).

Bounded and repeatable: a fixed number of examples per operation, caller and mode, derandomized."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.conftest import run_async, settings_for, truncate_all
from tests.e2e.fuzz.world import World, populated_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2}
ROLES = ("anonymous", "member", "organizer")
CHECKS = [status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def world(postgres_url: str) -> Iterator[World]:
    run_async(truncate_all(postgres_url))
    with populated_server(settings_for(postgres_url)) as populated:
        yield populated


@pytest.fixture(scope="module")
def schema(world: World) -> Any:
    document = httpx.get(f"{world.server.base_url}/api/schema/openapi.json", timeout=30).json()
    return schemathesis.openapi.from_dict(document)


def _check(operation: Any, mode: GenerationMode, world: World, role: str, failures: list[str]) -> None:
    headers = world.headers(role)

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(base_url=world.server.base_url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as error:  # a FailureGroup naming every failed check
            failures.append(
                f"{operation.label} {role} {mode.value}: {response.status_code} {response.text[:300]!r}\n"
                f"    {str(error)[:400]}"
            )

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to spoil: no parameter, no body


@pytest.mark.timeout(300)
@pytest.mark.parametrize("role", ROLES)
def test_every_answer_matches_the_schema_when_called_as(role: str, world: World, schema: Any) -> None:
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        for mode in EXAMPLES:
            _check(operation, mode, world, role, failures)
    assert not failures, f"{len(failures)} answers broke the schema:\n" + "\n".join(failures[:40])


def test_the_checks_refuse_a_code_the_schema_does_not_list(world: World) -> None:
    document = httpx.get(f"{world.server.base_url}/api/schema/openapi.json", timeout=30).json()
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
