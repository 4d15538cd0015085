"""Organizations: search, address, members (add, remove) through ``OrganizationsService``."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import FormData

from app.adapters.db.models.organizations import OrganizationModel
from app.admin.services import PanelServices
from app.admin.views.base import Field, PanelAction, PanelView, Row, Section, form_id
from app.core.shared.principal import Principal


async def _add_member(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    user_id = form_id(form, "user_id", "User")
    card = await services.organizations.add_member(actor=actor, organization_id=pk, user_id=user_id)
    return f"User {user_id} is a member of “{card.organization.title}”."


async def _remove_member(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    user_id = form_id(form, "user_id", "User")
    await services.organizations.remove_member(actor=actor, organization_id=pk, user_id=user_id)
    return f"User {user_id} is no longer a member."


# A button on each member's row of the Members section, not among the page's own actions.
REMOVE_MEMBER = PanelAction(
    "remove-member", "Remove", _remove_member, "btn-outline-danger btn-sm", shown=lambda _: False
)


class OrganizationView(PanelView, model=OrganizationModel):
    panel_identity = "organizations"
    name, name_plural, icon = "Organization", "Organizations", "fa-solid fa-building"
    column_list = [
        OrganizationModel.id,
        OrganizationModel.title,
        OrganizationModel.address,
        OrganizationModel.postcode,
        OrganizationModel.created_at,
    ]
    column_details_list = [*column_list, OrganizationModel.description, OrganizationModel.created_by]
    column_searchable_list = [OrganizationModel.title, OrganizationModel.address, OrganizationModel.postcode]
    column_sortable_list = [OrganizationModel.id, OrganizationModel.title]
    column_default_sort = [(OrganizationModel.id, True)]
    actions = (
        PanelAction("add-member", "Add member", _add_member, fields=lambda _: [Field("user_id", "User id", "number")]),
        REMOVE_MEMBER,
    )

    async def sections(self, actor: Principal, pk: int) -> Sequence[Section]:
        card = await self.services.organizations.get(actor=actor, organization_id=pk)
        rows = [
            Row(cells=(m.id, m.name, m.email), action=REMOVE_MEMBER, values={"user_id": str(m.id)})
            for m in card.members
        ]
        return [
            Section("Address", ["Full address"], [Row(cells=(card.organization.full_address,))]),
            Section("Members", ["User", "Name", "E-mail"], rows),
        ]
