"""Check-in endpoints: inspect a scanned ticket, and let it in once."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from app.api.bounds import text_query
from app.api.schemas.ticketing import CheckIn, CheckInOut
from app.core.shared.principal import Principal
from app.core.ticketing.service import TicketingService

SecretQuery = Annotated[str, text_query("The scanned ticket secret.", max_length=256, min_length=1)]


class CheckInController(Controller):
    path = "/api/check-in"
    tags = ["check-in"]

    @get("/", operation_id="InspectTicket")
    async def inspect(
        self, secret: SecretQuery, principal: NamedDependency[Principal], ticketing: NamedDependency[TicketingService]
    ) -> CheckInOut:
        """What a scanned ticket stands for, without checking it in (the event's organizer).
        404 ``invalid_ticket`` for unknown or forged secrets."""
        return CheckInOut.of(await ticketing.inspect_ticket(actor=principal, secret=secret))

    @post("/", operation_id="CheckIn", status_code=HTTP_200_OK)
    async def check_in(
        self,
        data: JSONBody[CheckIn],
        principal: NamedDependency[Principal],
        ticketing: NamedDependency[TicketingService],
    ) -> CheckInOut:
        """Let a ticket in, once (the event's organizer). 409 ``already_checked_in`` with the first
        ``checked_in_at``; 409 ``not_confirmed``; 404 ``invalid_ticket``."""
        return CheckInOut.of(await ticketing.check_in(actor=principal, secret=data.secret))
