"""E-mail written to the log, for the embedded default when no SMTP server is configured."""

from __future__ import annotations

import logging

from app.ports.mailer import Mail

logger = logging.getLogger("app.mail")


class LoggingMailer:
    """Logs every mail (recipient, subject and body) instead of sending it."""

    async def send(self, mail: Mail) -> None:
        logger.warning("E-mail to %s: %s\n%s", mail.to, mail.subject, mail.body)
