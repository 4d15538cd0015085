"""The input bounds as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.core.shared.bounds import (
    MAX_ID,
    InvalidTextError,
    check_text,
    id_in_range,
    in_utc_range,
    is_plain_text,
    json_depth_exceeds,
)


def test_ids_are_positive_64_bit_integers_when_checked() -> None:
    assert id_in_range(1) and id_in_range(MAX_ID)
    assert not id_in_range(0) and not id_in_range(MAX_ID + 1) and not id_in_range(-1)


def test_text_allows_tab_and_newline_but_no_other_c0_control_when_checked() -> None:
    assert is_plain_text("a\tb\nc ünï ✓")
    for control in ("\x00", "\x07", "\r", "\x1b", "\x1f"):
        assert not is_plain_text(f"a{control}b")
    with pytest.raises(InvalidTextError) as refused:
        check_text("title", "a\x00")
    assert refused.value.errors[0].field == "title"


def test_timestamps_must_stay_valid_in_utc_when_checked() -> None:
    assert in_utc_range(datetime(2027, 5, 1, tzinfo=UTC))
    assert not in_utc_range(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))))
    assert not in_utc_range(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12))))


def test_json_depth_is_counted_outside_strings_when_measured() -> None:
    assert not json_depth_exceeds(b"[" * 32 + b"]" * 32)
    assert json_depth_exceeds(b"[" * 33 + b"]" * 33)
    assert not json_depth_exceeds(b'{"a": "' + b"[" * 100 + b'"}')
    assert not json_depth_exceeds(b'["\\"' + b"[" * 40 + b'", ' + b"[]," * 1000 + b"[]]")
    assert json_depth_exceeds(b'{"a": "x\\\\", "b": ' + b"[" * 40 + b"]" * 40 + b"}")
