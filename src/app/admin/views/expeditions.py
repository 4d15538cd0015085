"""Expeditions: filter by status and chief; members with their status (read-only)."""

from __future__ import annotations

from collections.abc import Sequence

from app.adapters.db.models.expeditions import ExpeditionModel
from app.admin.filters import IdFilter, values_filter
from app.admin.views.base import PanelView, Row, Section
from app.core.expeditions.model import ExpeditionStatus
from app.core.shared.principal import Principal


class ExpeditionView(PanelView, model=ExpeditionModel):
    panel_identity = "expeditions"
    name, name_plural, icon = "Expedition", "Expeditions", "fa-solid fa-mountain"
    column_list = [
        ExpeditionModel.id,
        ExpeditionModel.title,
        ExpeditionModel.status,
        ExpeditionModel.start_at,
        ExpeditionModel.capacity,
        ExpeditionModel.chief_id,
    ]
    column_details_list = [*column_list, ExpeditionModel.description, ExpeditionModel.created_at]
    column_labels = {ExpeditionModel.chief_id: "Chief"}
    column_searchable_list = [ExpeditionModel.title]
    column_sortable_list = [ExpeditionModel.id, ExpeditionModel.title, ExpeditionModel.start_at]
    column_default_sort = [(ExpeditionModel.id, True)]
    column_filters = [
        values_filter(ExpeditionModel.status, ExpeditionStatus),
        IdFilter(ExpeditionModel.chief_id, title="Chief id", parameter_name="chief"),
    ]

    async def sections(self, actor: Principal, pk: int) -> Sequence[Section]:
        members = await self.services.expeditions.members(actor=actor, expedition_id=pk)
        rows = [
            Row(cells=(m.user.id, m.user.name, m.user.email, m.status.value, m.invited_at, m.confirmed_at or ""))
            for m in members
        ]
        return [Section("Members", ["User", "Name", "E-mail", "Status", "Invited", "Confirmed"], rows)]
