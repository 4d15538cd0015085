"""Background jobs as the core sees them: their state, the retry schedule, who may look at them.

``JobsService`` lives in ``app.core.jobs.service`` (not re-exported: the ports import this model).
"""

from app.core.jobs.model import Job, JobStatus, retry_delay_s

__all__ = ["Job", "JobStatus", "retry_delay_s"]
