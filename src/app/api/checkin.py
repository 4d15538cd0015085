"""Check-in endpoints: inspect a scanned ticket, and let it in once."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK
from litestar.types import ControllerRouterHandler

from app.api.bounds import text_query
from app.api.schemas.ticketing import CheckIn, CheckInOut
from app.core.shared.bounds import TEXT_PATTERN
from app.core.shared.principal import Principal
from app.core.ticketing.services import DoorService

SECRET_HEADER = "X-Ticket-Secret"
SecretHeader = Annotated[
    str | None,
    HeaderParameter(
        name=SECRET_HEADER, min_length=1, max_length=256, pattern=TEXT_PATTERN, description="The scanned secret."
    ),
]
SecretQuery = Annotated[
    str | None,
    text_query(
        f"The scanned secret, for old scanners: prefer the {SECRET_HEADER} header (never logged either).",
        min_length=1,
        max_length=256,
    ),
]


class CheckInController(Controller):
    path = "/api/check-in"
    tags = ["check-in"]

    @get("/", operation_id="InspectTicket")
    async def inspect(
        self,
        principal: NamedDependency[Principal],
        door: NamedDependency[DoorService],
        header_secret: SecretHeader = None,
        secret: SecretQuery = None,
    ) -> CheckInOut:
        """What a scanned ticket stands for, without checking it in (the event's organizer). The secret
        goes in the ``X-Ticket-Secret`` header (``?secret=`` is still read, and redacted from logs).
        400 ``validation_error`` without a secret; 404 ``invalid_ticket`` for unknown or forged secrets."""
        scanned = header_secret or secret
        if scanned is None:
            raise ValidationException(extra=[{"key": SECRET_HEADER, "message": "The ticket secret is required."}])
        return CheckInOut.of(await door.inspect_ticket(actor=principal, secret=scanned))

    @post("/", operation_id="CheckIn", status_code=HTTP_200_OK)
    async def check_in(
        self,
        data: JSONBody[CheckIn],
        principal: NamedDependency[Principal],
        door: NamedDependency[DoorService],
    ) -> CheckInOut:
        """Let a ticket in, once (the event's organizer), with the scanned secret in the body ``{secret}``.
        409 ``already_checked_in`` with the first ``checked_in_at``; 409 ``not_confirmed``; 404 ``invalid_ticket``."""
        return CheckInOut.of(await door.check_in(actor=principal, secret=data.secret))


ROUTES: list[ControllerRouterHandler] = [CheckInController]
