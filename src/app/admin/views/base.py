"""What every view of the panel shares: read-only pages over the ORM models, action forms that call
core services with the admin as the actor, and extra sections filled by core services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from markupsafe import Markup, escape
from sqladmin import ModelView, expose
from sqlalchemy import Select, func, select
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.admin.csrf import csrf_token
from app.admin.services import PanelServices
from app.admin.session import principal_of
from app.core.shared.bounds import id_in_range
from app.core.shared.errors import DomainError, InvalidInputError
from app.core.shared.paging import COUNT_AHEAD
from app.core.shared.principal import Principal


@dataclass(frozen=True, slots=True)
class Field:
    """One input of an action form."""

    name: str
    label: str = ""
    kind: str = "hidden"  # hidden, number, checkbox
    value: str = ""
    checked: bool = False


Run = Callable[[PanelServices, Principal, int, FormData], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class PanelAction:
    """A button (and its form) on a detail page; ``run`` calls one core service method and says
    what happened. ``shown`` decides from the row whether the button applies."""

    name: str
    label: str
    run: Run
    style: str = "btn-primary"
    shown: Callable[[Any], bool] = lambda row: True
    fields: Callable[[Any], Sequence[Field]] = lambda row: ()


@dataclass(frozen=True, slots=True)
class Row:
    cells: Sequence[Any]
    action: PanelAction | None = None
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Section:
    """A table on a detail page that core services fill (counts, members)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Row]
    link: tuple[str, str, str] | None = None  # label, view identity, query string


def as_id(value: Any) -> int | None:
    """A positive 64-bit id, or None."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if id_in_range(number) else None


def form_id(form: FormData, name: str, what: str) -> int:
    number = as_id(form.get(name, ""))
    if number is None:
        raise InvalidInputError(f"{what}: expected a positive id.")
    return number


def image(url: Any, *, size: int | None) -> Markup:
    """An ``<img>`` for a stored image URL (a thumbnail when ``size`` is given)."""
    if not url:
        return Markup("")
    dimensions = Markup(' width="{0}" height="{0}"').format(size) if size else Markup(' class="img-fluid"')
    return Markup('<img src="{}" alt="cover" loading="lazy"{}>').format(escape(str(url)), dimensions)


def flash(request: Request, message: str, category: str, *, title: str = "") -> None:
    """A message for the next page (sqladmin's flash template shows it). The list is replaced, not
    appended to in place, so the session sees the change and writes its cookie."""
    messages = [*request.session.get("_messages", []), {"message": message, "category": category, "title": title}]
    request.session["_messages"] = messages[-5:]


class AtLeast(int):
    """A count that stopped early: shown as ``1,025+`` ("at least 1,025 items")."""

    def __str__(self) -> str:
        return f"{int(self):,}+"


class PanelView(ModelView):
    """Read-only list and detail pages; changes go through ``actions`` only."""

    can_create = False
    can_edit = False
    can_delete = False
    can_export = False
    can_view_details = True
    page_size = 25
    page_size_options: ClassVar[list[int]] = [25, 50, 100]
    details_template = "muster/details.html"
    panel_identity: ClassVar[str] = ""
    actions: ClassVar[Sequence[PanelAction]] = ()
    services: ClassVar[PanelServices]

    async def count(self, request: Request, stmt: Select[Any] | None = None) -> int:
        """The list's count up to ``COUNT_AHEAD`` rows past the page shown (``AtLeast`` beyond), so
        a first page costs the same at 1,000 and at 100,000 rows. sqladmin passes
        ``SELECT count(*) FROM (<filtered, sorted list>)``; the inner list gets a LIMIT."""
        if stmt is None:
            return await super().count(request, stmt)
        listed = stmt.get_final_froms()[0].element  # type: ignore[attr-defined]
        page = as_id(request.query_params.get("page")) or 1
        size = as_id(request.query_params.get("pageSize")) or self.page_size
        cap = page * min(size, max(self.page_size_options)) + COUNT_AHEAD
        counted = await super().count(
            request, select(func.count()).select_from(listed.order_by(None).limit(cap).subquery())
        )
        return counted if counted < cap else AtLeast(counted)

    def shown_actions(self, row: Any) -> list[PanelAction]:
        return [action for action in self.actions if action.shown(row)]

    async def sections(self, actor: Principal, pk: int) -> Sequence[Section]:
        """Tables below the row's own fields, from core services."""
        return ()

    async def get_object_for_details(self, request: Request) -> Any:
        if as_id(request.path_params.get("pk")) is None:
            return None
        return await super().get_object_for_details(request)

    async def details_context(self, request: Request) -> dict[str, Any]:
        context = await super().details_context(request)
        pk = as_id(request.path_params.get("pk"))
        sections = await self.sections(principal_of(request.scope), pk) if pk is not None else ()
        return {**context, "panel_sections": sections, "csrf_token": csrf_token(request.session)}

    @expose("/act/{pk}/{action}", methods=["POST"])
    async def act(self, request: Request) -> Response:
        """Run one action on one row and go back to its page, saying what happened."""
        pk = as_id(request.path_params["pk"])
        action = next((a for a in self.actions if a.name == request.path_params["action"]), None)
        if pk is None or action is None:
            raise HTTPException(404, "No such action.")
        form = await request.form()
        try:
            flash(request, await action.run(self.services, principal_of(request.scope), pk, form), "success")
        except DomainError as error:
            flash(request, error.detail, "danger", title=error.code)
        target = request.url_for("admin:details", identity=self.identity, pk=str(pk))
        return RedirectResponse(str(target), status_code=303)
