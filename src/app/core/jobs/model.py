"""A background job's record and the retry schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    """``queued`` (waiting, also between retries) → ``running`` → ``done`` or ``failed``."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def retry_delay_s(attempt: int, *, base_s: float, max_s: float = 300.0) -> float:
    """Exponential backoff after failed attempt number ``attempt`` (1-based): base, 2·base, 4·base…"""
    return float(min(max_s, base_s * 2 ** max(0, attempt - 1)))


@dataclass(slots=True, kw_only=True)
class Job:
    """One unit of background work and what became of it."""

    id: int
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    status: JobStatus = JobStatus.QUEUED
    result: dict[str, Any] | None = None
    error: str | None = None
    attempts: int = 0
    max_attempts: int = 5
    run_at: datetime | None = None
    created_by: int | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None
