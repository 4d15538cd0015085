"""Users: search by e-mail and name, filter by role and active; grant and revoke roles, deactivate
and reactivate through ``AccountsService``. The password hash is never shown."""

from __future__ import annotations

from typing import Any

from sqladmin.filters import BooleanFilter
from starlette.datastructures import FormData

from app.adapters.db.models.accounts import UserModel
from app.admin.filters import ClauseFilter, flag_choices
from app.admin.services import PanelServices
from app.admin.views.base import Field, PanelAction, PanelView
from app.core.accounts.model import GRANTABLE_ROLES
from app.core.shared.principal import Principal, Role

ROLE_FLAGS = {Role.CHIEF: "is_chief", Role.ORGANIZER: "is_organizer", Role.ADMIN: "is_admin"}


def _role_fields(row: Any) -> list[Field]:
    return [
        Field("roles", role.value.capitalize(), "checkbox", role.value, bool(getattr(row, flag)))
        for role, flag in ROLE_FLAGS.items()
    ]


async def _set_roles(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    chosen = {str(value) for value in form.getlist("roles")}
    roles = frozenset({Role.MEMBER, *(role for role in GRANTABLE_ROLES if role.value in chosen)})
    user = await services.user_admin.set_roles(actor=actor, user_id=pk, roles=roles)
    return f"{user.email} now holds: {', '.join(sorted(r.value for r in user.roles))}."


async def _deactivate(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    user = await services.user_admin.set_active(actor=actor, user_id=pk, is_active=False)
    return f"{user.email} is deactivated; every session of the account has ended."


async def _reactivate(services: PanelServices, actor: Principal, pk: int, form: FormData) -> str:
    user = await services.user_admin.set_active(actor=actor, user_id=pk, is_active=True)
    return f"{user.email} is active again."


class UserView(PanelView, model=UserModel):
    panel_identity = "users"
    name, name_plural, icon = "User", "Users", "fa-solid fa-user"
    column_list = [
        UserModel.id,
        UserModel.email,
        UserModel.name,
        UserModel.is_active,
        UserModel.is_chief,
        UserModel.is_organizer,
        UserModel.is_admin,
        UserModel.created_at,
    ]
    column_details_list = [
        UserModel.id,
        UserModel.email,
        UserModel.name,
        UserModel.username,
        UserModel.phone,
        UserModel.is_active,
        UserModel.is_chief,
        UserModel.is_organizer,
        UserModel.is_admin,
        UserModel.created_at,
        UserModel.updated_at,
    ]
    column_searchable_list = [UserModel.email, UserModel.name]
    column_sortable_list = [UserModel.id, UserModel.email, UserModel.name, UserModel.created_at]
    column_default_sort = [(UserModel.id, True)]
    column_filters = [
        ClauseFilter(
            title="Role",
            parameter_name="role",
            choices=[(role.value, role.value.capitalize()) for role in ROLE_FLAGS],
            clause=flag_choices({role.value: getattr(UserModel, flag) for role, flag in ROLE_FLAGS.items()}),
        ),
        BooleanFilter(UserModel.is_active, title="Active"),
    ]
    actions = (
        PanelAction("roles", "Save roles", _set_roles, fields=_role_fields),
        PanelAction("deactivate", "Deactivate", _deactivate, "btn-danger", shown=lambda row: bool(row.is_active)),
        PanelAction("reactivate", "Reactivate", _reactivate, "btn-success", shown=lambda row: not row.is_active),
    )
