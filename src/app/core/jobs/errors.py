"""Errors of background jobs."""

from __future__ import annotations

from app.core.shared.errors import NotFoundError


class JobNotFoundError(NotFoundError):
    code = "job_not_found"
    default_detail = "No such job."
