"""Mail goes through durable jobs: persisted when the request ends, delivered by whichever worker runs."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.adapters.db.models.jobs import JobModel
from app.adapters.mail.queued import SEND_MAIL_JOB, QueuedMailer
from app.bootstrap import build_services
from tests.conftest import running_api, settings_for
from tests.integration.mail.test_activation_mail import Inbox, smtp  # noqa: F401  (fixture)


async def test_activation_mail_waits_in_the_jobs_table_until_a_worker_sends_it(
    database_url: str,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    settings = settings_for(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        require_email_activation=True,
        public_base_url="http://testserver",
        jobs_in_process=False,  # the server only enqueues; a separate worker process delivers
    )
    async with running_api(settings) as api:
        await api.register("ann@example.com")
        services = api.client._transport.app.state["services"]  # type: ignore[attr-defined]
        assert isinstance(services.mailer, QueuedMailer)
    assert inbox.messages == []

    worker_side = build_services(settings)
    try:
        async with worker_side.engine.connect() as connection:
            [job] = (await connection.execute(select(JobModel.kind, JobModel.status, JobModel.payload))).all()
        assert (job.kind, job.status, job.payload["to"]) == (SEND_MAIL_JOB, "queued", "ann@example.com")
        assert await worker_side.job_worker.run_until_idle() == 1
    finally:
        await worker_side.engine.dispose()

    [message] = await inbox.wait()
    assert message["To"] == "ann@example.com"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert re.search(r"/api/users/activate/\S+/", payload.decode())
