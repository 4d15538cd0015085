"""E-mail through durable jobs: ``send`` enqueues a ``send_mail`` job that the real mailer delivers."""

from __future__ import annotations

from app.ports.jobs import JobHandler, JobPayload, JobQueue, JobResult
from app.ports.mailer import Mail, Mailer

SEND_MAIL_JOB = "send_mail"


class QueuedMailer:
    """A ``Mailer`` whose ``send`` only persists a job, so a slow or failing SMTP server never blocks or
    loses a mail: the worker sends it, retrying with backoff, even after a restart."""

    def __init__(self, jobs: JobQueue) -> None:
        self._jobs = jobs

    async def send(self, mail: Mail) -> None:
        await self._jobs.enqueue(SEND_MAIL_JOB, {"to": mail.to, "subject": mail.subject, "body": mail.body})


def send_mail_handler(mailer: Mailer) -> JobHandler:
    """The ``send_mail`` job handler: delivers the mail with ``mailer`` (an ``OSError`` retries the job)."""

    async def send_mail(payload: JobPayload) -> JobResult:
        await mailer.send(Mail(to=str(payload["to"]), subject=str(payload["subject"]), body=str(payload["body"])))
        return None

    return send_mail
