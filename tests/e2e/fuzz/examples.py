"""What the fuzzers share: hypothesis settings that keep a run bounded and repeatable, the schema
the server serves, and a driver that checks a fixed number of generated requests of one operation."""

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


def operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) > 50  # every operation of the app is in the schema
    return found


def check_examples(
    operation: Any, mode: GenerationMode, examples: int, check: Callable[..., None], **drawn: SearchStrategy[Any]
) -> None:
    """Call ``check(case, **values)`` on ``examples`` requests generated for ``operation`` in ``mode``,
    with ``values`` drawn from the ``drawn`` strategies."""

    @bounded(examples)
    @given(case=operation.as_strategy(generation_mode=mode), **drawn)
    def run(case: Any, **values: Any) -> None:
        check(case, **values)

    try:
        run()
    except Unsatisfiable:  # an operation without parameters or body has nothing to spoil
        assert mode is GenerationMode.NEGATIVE, operation.label
