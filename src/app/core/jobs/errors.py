"""Errors of background jobs."""

from __future__ import annotations

from app.core.shared.errors import NotAllowedError, NotFoundError, RuleViolationError


class JobNotFoundError(NotFoundError):
    code = "job_not_found"
    default_detail = "No such job."


class JobNotFailedError(RuleViolationError):
    code = "job_not_failed"
    default_detail = "Only a failed job can be retried."


class JobRetryNotAllowedError(NotAllowedError):
    code = "admin_only"
    default_detail = "Only an admin may retry a job."
