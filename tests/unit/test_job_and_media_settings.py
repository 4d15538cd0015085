"""Job and media settings are read from the environment and checked."""

from __future__ import annotations

import pytest

from app.settings import Settings, SettingsError


def test_job_and_media_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "JOBS_BACKEND": "saq",
            "JOBS_IN_PROCESS": "true",
            "JOB_MAX_ATTEMPTS": "7",
            "JOB_RETRY_BASE_S": "0.5",
            "JOB_HEARTBEAT_STALE_S": "20",
            "EVENT_CREATE_DELAY_S": "60",
            "MEDIA_ROOT": "/var/muster/media",
            "IMAGE_MAX_BYTES": "1000",
        },
        env_file=None,
    )
    assert (settings.jobs_backend, settings.job_max_attempts, settings.job_retry_base_s) == ("saq", 7, 0.5)
    assert settings.job_heartbeat_stale_s == 20
    assert (settings.event_create_delay_s, settings.media_root, settings.image_max_bytes) == (
        60.0,
        "/var/muster/media",
        1000,
    )
    assert settings.runs_jobs_in_process is False  # with SAQ, `python -m app worker` runs the jobs


@pytest.mark.parametrize(
    "environ",
    [
        {"JOBS_BACKEND": "celery"},
        {"JOB_MAX_ATTEMPTS": "0"},
        {"JOB_HEARTBEAT_STALE_S": "1"},
        {"THUMBNAIL_SIZE": "5"},
        {"IMAGE_MAX_BYTES": "0"},
    ],
)
def test_unusable_job_or_media_settings_are_refused(environ: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env(environ, env_file=None)
