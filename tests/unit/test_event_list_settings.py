"""How long the public event list keeps a page is read from the environment and checked."""

from __future__ import annotations

import pytest

from app.settings import Settings, SettingsError


def test_the_event_list_keeps_pages_for_the_configured_seconds_when_set() -> None:
    assert Settings.from_env({"EVENT_LIST_CACHE_S": "2.5"}, env_file=None).event_list_cache_s == 2.5
    assert Settings.from_env({"EVENT_LIST_CACHE_S": "0"}, env_file=None).event_list_cache_s == 0.0
    assert Settings.from_env({}, env_file=None).event_list_cache_s == 1.0


@pytest.mark.parametrize("value", ["-1", "3601"])
def test_the_event_list_cache_setting_is_refused_when_out_of_range(value: str) -> None:
    with pytest.raises(SettingsError, match="EVENT_LIST_CACHE_S"):
        Settings.from_env({"EVENT_LIST_CACHE_S": value}, env_file=None)
