"""Accounts endpoints: registration, activation, tokens, profile, admin role management."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from litestar.types import ControllerRouterHandler
from msgspec import UNSET

from app.api.auth import client_key
from app.api.bounds import text_query
from app.api.limits import limited
from app.api.pagination import Limit, Offset, PageOut, page_out, page_request
from app.api.schemas.accounts import (
    PersonOut,
    ProfileOut,
    ProfileUpdate,
    RoleName,
    RolesUpdate,
    TokenObtain,
    TokenPairOut,
    TokenRefresh,
    UserActive,
    UserCreate,
    UserOut,
)
from app.core.accounts.admin.service import UserAdminService
from app.core.accounts.people.service import MAX_QUERY_LENGTH, PeopleService
from app.core.accounts.service import AccountsService
from app.core.limits import Action
from app.core.shared.principal import Principal, Role

Search = Annotated[str | None, text_query("Matches e-mail or name.")]
PeopleSearch = Annotated[
    str, text_query("An exact e-mail address or the start of a username.", max_length=MAX_QUERY_LENGTH, min_length=1)
]


class UserController(Controller):
    path = "/api/users"
    tags = ["accounts"]

    @post("/", operation_id="RegisterUser", guards=[limited(Action.REGISTER)])
    async def register(self, data: JSONBody[UserCreate], accounts: NamedDependency[AccountsService]) -> UserOut:
        """Register. ``role`` is ``member`` (default) or ``chief``. With e-mail activation on, the
        account is inactive until the e-mailed link is opened. Limited per client address (429)."""
        user = await accounts.register(
            email=data.email,
            password=data.password,
            name=data.name,
            username=data.username,
            phone=data.phone,
            role=Role(data.role),
        )
        return UserOut.of(user)

    @get("/", operation_id="FindPeople")
    async def find_people(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        people: NamedDependency[PeopleService],
        search: PeopleSearch,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[PersonOut]:
        """Signed-in users find someone to talk to: active users (not the caller) whose e-mail is
        ``search`` exactly (any case) or whose username starts with it, by username. Shows only id,
        name and username; a blank search finds nobody."""
        page = await people.find_people(actor=principal, search=search, page=page_request(limit, offset))
        return page_out(request, page, PersonOut.of)

    @get("/activate/{token:str}/", operation_id="ActivateUser")
    async def activate(self, token: FromPath[str], accounts: NamedDependency[AccountsService]) -> UserOut:
        """Activate an account from the link in the activation e-mail."""
        return UserOut.of(await accounts.activate(token=token))

    @get("/me/", operation_id="GetProfile")
    async def me(self, principal: NamedDependency[Principal], accounts: NamedDependency[AccountsService]) -> UserOut:
        """The caller's own profile."""
        return UserOut.of(await accounts.get_profile(actor=principal))

    @patch("/me/", operation_id="UpdateProfile", cache_control=CacheControlHeader(no_store=True))
    async def update_me(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ProfileUpdate],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountsService],
    ) -> ProfileOut:
        """Change the caller's name, username, phone or password.

        A new ``password`` needs ``current_password`` (400 ``current_password_required``, 403
        ``wrong_current_password``). It ends every session of the account, this one included, and
        the response carries the caller's fresh ``access`` and ``refresh``."""
        changes: dict[str, Any] = {
            name: value
            for name in ("name", "username", "phone", "password", "current_password")
            if (value := getattr(data, name)) is not UNSET
        }
        change = await accounts.update_profile(actor=principal, client=client_key(request), **changes)
        return ProfileOut.of_change(change)


class TokenController(Controller):
    path = "/api/token"
    tags = ["auth"]
    cache_control = CacheControlHeader(no_store=True)

    @post("/", operation_id="ObtainToken", status_code=HTTP_200_OK)
    async def obtain(
        self, request: Request[Any, Any, Any], data: JSONBody[TokenObtain], accounts: NamedDependency[AccountsService]
    ) -> TokenPairOut:
        """Trade e-mail and password for ``{access, refresh}``. Failed attempts are limited per client
        address and per e-mail (429 with Retry-After); successful logins do not count."""
        pair = await accounts.obtain_tokens(email=data.email, password=data.password, client=client_key(request))
        return TokenPairOut.of(pair)

    @post("/refresh/", operation_id="RefreshToken", status_code=HTTP_200_OK)
    async def refresh(self, data: JSONBody[TokenRefresh], accounts: NamedDependency[AccountsService]) -> TokenPairOut:
        """Trade a refresh token for a new pair; the old refresh token stops working (rotation).
        Reusing a spent refresh token revokes its whole session (``token_reused``)."""
        return TokenPairOut.of(await accounts.refresh(refresh_token=data.refresh))

    @post("/revoke/", operation_id="RevokeToken", status_code=HTTP_204_NO_CONTENT)
    async def revoke(
        self,
        data: JSONBody[TokenRefresh],
        principal: NamedDependency[Principal],
        accounts: NamedDependency[AccountsService],
    ) -> None:
        """Log out: the refresh token and every token of its session, the access tokens included, stop
        working at once."""
        await accounts.revoke(refresh_token=data.refresh, actor=principal)


class AdminUserController(Controller):
    path = "/api/admin/users"
    tags = ["admin"]

    @get("/", operation_id="ListUsers")
    async def list_users(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        user_admin: NamedDependency[UserAdminService],
        search: Search = None,
        role: Annotated[RoleName | None, QueryParameter()] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PageOut[UserOut]:
        """Admins list users, searching e-mail and name, filtering by role."""
        page = await user_admin.list_users(
            actor=principal, search=search, role=Role(role) if role else None, page=page_request(limit, offset)
        )
        return page_out(request, page, UserOut.of)

    @put("/{user_id:int}/roles/", operation_id="SetUserRoles")
    async def set_roles(
        self,
        user_id: FromPath[int],
        data: JSONBody[RolesUpdate],
        principal: NamedDependency[Principal],
        user_admin: NamedDependency[UserAdminService],
    ) -> UserOut:
        """Admins grant and revoke ``chief``, ``organizer`` and ``admin`` (every user stays a member);
        it applies from the next request. The last active admin keeps ``admin`` (409 ``last_admin``)."""
        user = await user_admin.set_roles(
            actor=principal, user_id=user_id, roles=frozenset(Role(r) for r in data.roles)
        )
        return UserOut.of(user)

    @put("/{user_id:int}/active/", operation_id="SetUserActive")
    async def set_active(
        self,
        user_id: FromPath[int],
        data: JSONBody[UserActive],
        principal: NamedDependency[Principal],
        user_admin: NamedDependency[UserAdminService],
    ) -> UserOut:
        """Admins deactivate an account (every session ends at once) or reactivate it. The last
        active admin cannot be deactivated (409 ``last_admin``)."""
        return UserOut.of(await user_admin.set_active(actor=principal, user_id=user_id, is_active=data.is_active))

    @delete("/{user_id:int}/", operation_id="DeleteUser")
    async def delete_user(
        self,
        user_id: FromPath[int],
        principal: NamedDependency[Principal],
        user_admin: NamedDependency[UserAdminService],
    ) -> None:
        """Admins delete an account; its tokens stop working at once. The last active admin cannot be
        deleted (409 ``last_admin``)."""
        await user_admin.delete_user(actor=principal, user_id=user_id)


ROUTES: list[ControllerRouterHandler] = [UserController, TokenController, AdminUserController]
