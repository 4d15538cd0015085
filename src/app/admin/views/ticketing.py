"""Events (status, date and organization filters, title search, cover image; publish and cancel;
reservation counts) and reservations (event and status filters; confirm and reject pending ones),
through the event and booking services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from starlette.datastructures import FormData

from app.adapters.db.models.event_directory import EventOrganizationModel
from app.adapters.db.models.organizations import OrganizationModel
from app.adapters.db.models.ticketing import EventModel, ReservationModel
from app.admin.filters import ClauseFilter, DateBoundFilter, IdFilter, RunQuery, values_filter
from app.admin.services import PanelServices
from app.admin.views.base import PanelAction, PanelView, Row, Section, as_id, image
from app.core.shared.principal import Principal
from app.core.ticketing.model import EventStatus
from app.core.ticketing.reservations import ReservationStatus

ORGANIZATION_CHOICES = 50  # organizations offered as filter links; any other by ?organization=<id>


async def _publish(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    event = await services.events.publish_event(actor=actor, event_id=pk)
    return f"“{event.title}” is published."


async def _cancel(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    event = await services.events.cancel_event(actor=actor, event_id=pk)
    return f"“{event.title}” is cancelled; its reservations are cancelled and their holders told."


async def _organizations(run_query: RunQuery) -> list[tuple[str, str]]:
    rows = await run_query(
        select(OrganizationModel.id, OrganizationModel.title)
        .order_by(OrganizationModel.title)
        .limit(ORGANIZATION_CHOICES)
    )
    return [(str(row[0]), str(row[1])) for row in rows]


def _of_organization(value: str) -> ColumnElement[bool] | None:
    organization_id = as_id(value)
    if organization_id is None:
        return None
    linked = select(EventOrganizationModel.event_id).where(EventOrganizationModel.organization_id == organization_id)
    return EventModel.id.in_(linked)


class EventView(PanelView, model=EventModel):
    panel_identity = "events"
    name, name_plural, icon = "Event", "Events", "fa-solid fa-calendar"
    column_list = [
        EventModel.id,
        EventModel.thumbnail_url,
        EventModel.title,
        EventModel.status,
        EventModel.starts_at,
        EventModel.capacity,
        EventModel.owner_id,
    ]
    column_details_list = [
        EventModel.id,
        EventModel.image_url,
        EventModel.title,
        EventModel.description,
        EventModel.status,
        EventModel.starts_at,
        EventModel.location,
        EventModel.capacity,
        EventModel.requires_approval,
        EventModel.owner_id,
        EventModel.published_at,
        EventModel.cancelled_at,
        EventModel.created_at,
    ]
    column_labels = {EventModel.thumbnail_url: "Cover", EventModel.image_url: "Cover", EventModel.owner_id: "Owner"}
    column_formatters = {EventModel.thumbnail_url: lambda row, _: image(row.thumbnail_url, size=64)}
    column_formatters_detail = {EventModel.image_url: lambda row, _: image(row.image_url, size=None)}
    column_searchable_list = [EventModel.title]
    column_sortable_list = [EventModel.id, EventModel.title, EventModel.starts_at, EventModel.status]
    column_default_sort = [(EventModel.id, True)]
    column_filters = [
        values_filter(EventModel.status, EventStatus),
        DateBoundFilter(EventModel.starts_at, title="Starts on or after", parameter_name="date_from", after=True),
        DateBoundFilter(EventModel.starts_at, title="Starts on or before", parameter_name="date_to", after=False),
        ClauseFilter(
            title="Organization", parameter_name="organization", clause=_of_organization, lookups=_organizations
        ),
    ]
    actions = (
        PanelAction("publish", "Publish", _publish, shown=lambda row: row.status == EventStatus.DRAFT.value),
        PanelAction(
            "cancel", "Cancel event", _cancel, "btn-danger", shown=lambda row: row.status != EventStatus.CANCELLED.value
        ),
    )

    async def sections(self, actor: Principal, pk: int) -> Sequence[Section]:
        metrics = await self.services.events.metrics(actor=actor, event_id=pk)
        counts = [
            ("Confirmed", metrics.confirmed_count),
            ("Waitlisted", metrics.waitlist_count),
            ("Pending", metrics.pending_count),
            ("Checked in", metrics.checked_in_count),
            ("Spots left", metrics.spots_left),
        ]
        return [
            Section(
                "Reservations",
                ["", "Count"],
                [Row(cells=pair) for pair in counts],
                link=("List this event's reservations", "reservations", f"event={pk}"),
            )
        ]


async def _confirm(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    reservation = await services.booking.decide(actor=actor, reservation_id=pk, approve=True)
    return f"Reservation {reservation.id} is {reservation.status.value}."


async def _reject(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    reservation = await services.booking.decide(actor=actor, reservation_id=pk, approve=False)
    return f"Reservation {reservation.id} is {reservation.status.value}."


def _pending(row: Any) -> bool:
    return bool(row.status == ReservationStatus.PENDING.value)


class ReservationView(PanelView, model=ReservationModel):
    panel_identity = "reservations"
    name, name_plural, icon = "Reservation", "Reservations", "fa-solid fa-ticket"
    column_list = [
        ReservationModel.id,
        ReservationModel.event_id,
        ReservationModel.user_id,
        ReservationModel.status,
        ReservationModel.position,
        ReservationModel.confirmed_at,
        ReservationModel.checked_in_at,
        ReservationModel.created_at,
    ]
    column_details_list = [*column_list, ReservationModel.cancelled_at]
    column_labels = {ReservationModel.event_id: "Event", ReservationModel.user_id: "User"}
    column_sortable_list = [ReservationModel.id, ReservationModel.created_at, ReservationModel.checked_in_at]
    column_default_sort = [(ReservationModel.id, True)]
    column_filters = [
        IdFilter(ReservationModel.event_id, title="Event id", parameter_name="event"),
        values_filter(ReservationModel.status, ReservationStatus),
    ]
    actions = (
        PanelAction("confirm", "Confirm", _confirm, "btn-success", shown=_pending),
        PanelAction("reject", "Reject", _reject, "btn-danger", shown=_pending),
    )
