"""One reading of ``Authorization: Bearer`` for HTTP and sockets."""

from __future__ import annotations

import pytest

from app.core.shared.credentials import bearer_token


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("BEARER abc", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token_reads_the_token_of_a_bearer_header_only(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token
