"""Settings, read once from the environment (and an optional ``.env`` file) and passed down."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from dotenv import dotenv_values

INSECURE_SECRET_KEY = "insecure-dev-key-change-me-in-production-0000"


class SettingsError(ValueError):
    """The configuration is unusable; the message says how to fix it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Every setting, with the embedded default: SQLite, in-memory channels, in-process jobs."""

    secret_key: str = INSECURE_SECRET_KEY
    debug: bool = True
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "[::1]")
    database_url: str = "sqlite+aiosqlite:///./muster.db"
    database_pool_size: int = 10
    # How long a page of the public event list may be served from memory (0: never); a change this
    # process commits drops the pages at once, so this bounds only what other processes change.
    event_list_cache_s: float = 1.0
    redis_url: str | None = None
    cors_allowed_origins: tuple[str, ...] = ()
    public_base_url: str = "http://localhost:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    web_concurrency: int = 1
    migrate_on_start: bool | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_use_tls: bool = False
    smtp_starttls: bool = False
    smtp_timeout_s: float = 10.0
    mail_from: str = "Muster <noreply@localhost>"
    require_email_activation: bool = False
    access_token_ttl_s: int = 900
    refresh_token_ttl_s: int = 7 * 24 * 3600
    login_rate_limit: int = 10
    login_rate_window_s: int = 60
    # Registrations per client address, chats and rooms created per account; per address, a
    # limited action may happen ADDRESS_RATE_FACTOR times as often as per account (offices, NAT).
    register_rate_limit: int = 10
    register_rate_window_s: int = 3600
    chat_create_rate_limit: int = 10
    chat_create_rate_window_s: int = 60
    address_rate_factor: int = 10
    # Peers (CIDRs) whose Forwarded / X-Forwarded-For / X-Real-IP headers name the client.
    trusted_proxies: tuple[str, ...] = ()
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    password_hash_parallelism: int = 4
    sentry_dsn: str | None = None
    sentry_environment: str | None = None
    sentry_traces_sample_rate: float = 1.0  # share of requests traced (0 to 1) when SENTRY_DSN is set
    sentry_slow_transaction_ms: float = 500.0  # traced requests faster than this are not sent (0: all)
    log_level: str = "INFO"
    log_format: str = "console"  # console (one readable line) or json (one object per line)
    access_log: bool = True
    metrics_enabled: bool = True  # GET /metrics in the Prometheus text format
    metrics_token: str | None = None  # when set, /metrics needs Authorization: Bearer <token>
    ticket_render_workers: int = 2
    jobs_in_process: bool = True
    jobs_concurrency: int = 2
    job_max_attempts: int = 5
    job_retry_base_s: float = 2.0
    job_timeout_s: float = 120.0
    job_poll_interval_s: float = 0.5
    job_heartbeat_stale_s: float = 15.0
    event_create_delay_s: float = 60.0
    media_root: str = "./media"
    media_url: str = "/media"
    image_max_bytes: int = 5 * 1024 * 1024
    thumbnail_size: int = 320
    image_max_pixels: int = 16_000_000
    image_max_side: int = 2048
    image_decode_threads: int = 1
    jobs_backend: str = "sql"
    job_retention_days: float = 7.0
    saq_url: str | None = None
    presence_ttl_s: float = 30.0
    presence_interval_s: float = 1.0  # status changes are announced at most once per interval
    event_history_size: int = 1000  # events kept per expedition/metrics stream for sockets that resume
    chat_frame_rate: float = 20.0
    chat_frame_burst: int = 40
    # Compressing every frame costs a zlib context per socket (memory) and CPU per frame; off by default.
    ws_per_message_deflate: bool = False

    def __post_init__(self) -> None:
        if not self.debug and self.secret_key == INSECURE_SECRET_KEY:
            raise SettingsError(
                "Refusing to start: DEBUG is false but SECRET_KEY is the insecure default. "
                "Set SECRET_KEY to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        object.__setattr__(self, "log_level", self.log_level.upper())
        if self.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL.")
        object.__setattr__(self, "log_format", self.log_format.lower())
        if self.log_format not in {"console", "json"}:
            raise SettingsError("LOG_FORMAT must be console or json.")
        if not 0.0 <= self.sentry_traces_sample_rate <= 1.0:
            raise SettingsError("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1.")
        if len(self.secret_key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters long.")
        if self.jobs_backend not in {"sql", "saq"}:
            raise SettingsError("JOBS_BACKEND must be sql (the jobs table, default) or saq.")
        if min(self.job_max_attempts, self.jobs_concurrency, self.image_max_bytes) < 1:
            raise SettingsError("JOB_MAX_ATTEMPTS, JOBS_CONCURRENCY and IMAGE_MAX_BYTES must be at least 1.")
        if (
            min(
                self.login_rate_limit,
                self.login_rate_window_s,
                self.register_rate_limit,
                self.register_rate_window_s,
                self.chat_create_rate_limit,
                self.chat_create_rate_window_s,
                self.address_rate_factor,
            )
            < 1
        ):
            raise SettingsError("Every *_RATE_LIMIT, *_RATE_WINDOW_S and ADDRESS_RATE_FACTOR must be at least 1.")
        for cidr in self.trusted_proxies:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as error:
                raise SettingsError(f"TRUSTED_PROXIES: {cidr!r} is not an address or a CIDR network.") from error
        if self.job_heartbeat_stale_s < 3:
            raise SettingsError(
                "JOB_HEARTBEAT_STALE_S must be at least 3 seconds (a running job beats every third of it)."
            )
        if urlsplit(self.public_base_url).scheme not in {"http", "https"} or not urlsplit(self.public_base_url).netloc:
            raise SettingsError("PUBLIC_BASE_URL must be an absolute http(s) URL, e.g. https://muster.example.org.")
        if not 0 <= self.event_list_cache_s <= 3600:
            raise SettingsError("EVENT_LIST_CACHE_S must be between 0 (no cache) and 3600 seconds.")
        if not 16 <= self.thumbnail_size <= 4096:
            raise SettingsError("THUMBNAIL_SIZE must be between 16 and 4096 pixels.")
        if min(self.image_max_pixels, self.image_decode_threads) < 1 or not 16 <= self.image_max_side <= 8192:
            raise SettingsError(
                "IMAGE_MAX_PIXELS and IMAGE_DECODE_THREADS must be at least 1, IMAGE_MAX_SIDE 16 to 8192."
            )

    def public_url(self, path: str) -> str:
        """An absolute link for mails: ``path`` (from ``/``) under ``PUBLIC_BASE_URL``, which may
        carry a path prefix of its own."""
        return self.public_base_url.rstrip("/") + "/" + path.lstrip("/")

    @property
    def should_migrate_on_start(self) -> bool:
        """Apply pending migrations when serving: on by default for the embedded SQLite database."""
        if self.migrate_on_start is not None:
            return self.migrate_on_start
        return self.database_url.startswith("sqlite")

    @property
    def runs_jobs_in_process(self) -> bool:
        """The server runs the job worker itself (embedded default); with SAQ, ``python -m app worker`` does."""
        return self.jobs_in_process and self.jobs_backend != "saq"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env") -> Settings:
        """Read settings from ``environ`` (default: ``os.environ``) over the values in ``env_file``."""
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        hints = get_type_hints(cls)
        kwargs: dict[str, Any] = {}
        for spec in fields(cls):
            raw = values.get(spec.name.upper())
            if raw is None:
                continue
            try:
                kwargs[spec.name] = _parse(raw, hints[spec.name])
            except ValueError as error:
                raise SettingsError(f"{spec.name.upper()}: {error}") from error
        return cls(**kwargs)


def _parse(raw: str, hint: Any) -> Any:
    text = raw.strip()
    if hint in (bool, bool | None):
        if text == "" and hint == bool | None:
            return None
        lowered = text.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if hint is int:
        return int(text)
    if hint is float:
        return float(text)
    if hint == tuple[str, ...]:
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if hint == str | None:
        return text or None
    return text
