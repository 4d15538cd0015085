"""Reading ``Prefer: respond-async`` (RFC 7240) and naming where a finished job's result lives."""

from __future__ import annotations

import pytest

from app.api.jobs import wants_async
from app.api.schemas.jobs import result_location


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("respond-async", True),
        ("Respond-Async", True),
        ("wait=10, respond-async", True),
        ("respond-async; wait=5", True),
        ("return=minimal", False),
        ("respond-asynchronously", False),
        ("", False),
        (None, False),
    ],
)
def test_wants_async_reads_the_prefer_header(header: str | None, expected: bool) -> None:
    assert wants_async(header) is expected


def test_result_location_points_at_what_the_job_made() -> None:
    assert result_location({"organization_id": 3}) == "/api/organizations/3/"
    assert result_location({"event_id": 9}) == "/api/events/9/"
    assert result_location({"other": 1}) is None
    assert result_location(None) is None
