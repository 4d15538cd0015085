"""What the fuzzers share: hypothesis settings that keep a run bounded and repeatable, the schema
the server serves, and a driver that checks a fixed number of generated requests of every operation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode

from tests.e2e.fuzz.world import World


def bounded(examples: int, *, phases: Sequence[Phase] = (Phase.explicit, Phase.generate)) -> settings:
    """``examples`` examples, derandomized, with no example database, deadline or health check."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=list(phases),
        suppress_health_check=list(HealthCheck),
    )


def served_document(world: World) -> dict[str, Any]:
    """The OpenAPI document the world's server serves."""
    document: dict[str, Any] = httpx.get(f"{world.server.base_url}/api/schema/openapi.json", timeout=30).json()
    return document


def failures(
    schema: Any,
    examples: dict[GenerationMode, int],
    check: Callable[..., str | None],
    **drawn: SearchStrategy[Any],
) -> list[str]:
    """Run ``check(operation, mode, case, **values)`` on requests generated for every operation of
    ``schema``, ``examples[mode]`` of them per mode, with ``values`` drawn from the ``drawn``
    strategies; returns what each failed check said."""
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50  # every operation of the app is in the schema
    found: list[str] = []
    for operation in operations:
        for mode, count in examples.items():
            found += _failures_of(operation, mode, count, check, drawn)
    return found


def _failures_of(
    operation: Any, mode: GenerationMode, count: int, check: Callable[..., str | None], drawn: dict[str, Any]
) -> list[str]:
    found: list[str] = []

    @bounded(count)
    @given(case=operation.as_strategy(generation_mode=mode), **drawn)
    def run(case: Any, **values: Any) -> None:
        failure = check(operation, mode, case, **values)
        if failure is not None:
            found.append(failure)

    try:
        run()
    except Unsatisfiable:  # an operation without parameters or body has nothing to spoil
        assert mode is GenerationMode.NEGATIVE, operation.label
    return found
