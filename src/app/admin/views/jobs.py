"""Background jobs: filter by status and kind, see a failed one's error, retry it through ``JobsService``."""

from __future__ import annotations

from sqladmin.filters import AllUniqueStringValuesFilter
from starlette.datastructures import FormData

from app.adapters.db.models.jobs import JobModel
from app.admin.filters import values_filter
from app.admin.services import PanelServices
from app.admin.views.base import PanelAction, PanelView
from app.core.jobs.model import JobStatus
from app.core.shared.principal import Principal


async def _retry(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    job = await services.jobs.retry(actor=actor, job_id=pk)
    return f"Job {job.id} is queued again."


class JobView(PanelView, model=JobModel):
    panel_identity = "jobs"
    name, name_plural, icon = "Job", "Jobs", "fa-solid fa-gears"
    column_list = [
        JobModel.id,
        JobModel.kind,
        JobModel.status,
        JobModel.attempts,
        JobModel.max_attempts,
        JobModel.run_at,
        JobModel.finished_at,
        JobModel.created_by,
    ]
    column_details_list = [*column_list, JobModel.error, JobModel.payload, JobModel.result, JobModel.created_at]
    column_sortable_list = [JobModel.id, JobModel.run_at, JobModel.finished_at]
    column_default_sort = [(JobModel.id, True)]
    column_filters = [values_filter(JobModel.status, JobStatus), AllUniqueStringValuesFilter(JobModel.kind)]
    actions = (PanelAction("retry", "Retry", _retry, shown=lambda row: row.status == JobStatus.FAILED.value),)
