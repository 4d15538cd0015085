"""PUBLIC_BASE_URL: the absolute base of the links in e-mails, with or without a path prefix."""

from __future__ import annotations

import pytest

from app.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("base", "link"),
    [
        ("https://muster.example", "https://muster.example/api/reservations/7/ticket/"),
        ("https://muster.example/", "https://muster.example/api/reservations/7/ticket/"),
        ("http://localhost:8000/muster/", "http://localhost:8000/muster/api/reservations/7/ticket/"),
    ],
)
def test_links_join_the_base_and_the_path_with_one_slash(base: str, link: str) -> None:
    settings = Settings.from_env({"PUBLIC_BASE_URL": base}, env_file=None)
    assert settings.public_url("/api/reservations/7/ticket/") == link


@pytest.mark.parametrize("base", ["muster.example", "/muster", "ftp://muster.example", "https://"])
def test_a_base_that_is_not_an_absolute_http_url_is_refused(base: str) -> None:
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        Settings.from_env({"PUBLIC_BASE_URL": base}, env_file=None)
