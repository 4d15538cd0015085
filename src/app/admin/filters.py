"""List filters beyond sqladmin's own: enum values, date bounds, ids, and lookups by clause."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqladmin._types import _UNSET
from sqladmin.filters import StaticValuesFilter
from sqlalchemy import ColumnElement, Select
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.core.shared.bounds import id_in_range

AnySelect = Select[*tuple[Any, ...]]
RunQuery = Callable[[AnySelect], Awaitable[Any]]
Lookups = Callable[[RunQuery], Awaitable[list[tuple[str, str]]]]


def values_filter(column: Any, values: type[StrEnum], *, title: str = "Status") -> StaticValuesFilter:
    """One link per value of a status or kind enum (the API's strings)."""
    return StaticValuesFilter(column, [(v.value, v.value.replace("_", " ").capitalize()) for v in values], title=title)


class DateBoundFilter:
    """``starts on or after`` / ``starts on or before`` a calendar day (UTC), typed in a date field."""

    has_operator = False
    default_value: Any = _UNSET  # no value unless the URL has one (sqladmin's marker)
    template = "muster/input_filter.html"
    input_type = "date"

    def __init__(self, column: Any, *, title: str, parameter_name: str, after: bool) -> None:
        self.column, self.title, self.parameter_name, self._after = column, title, parameter_name, after

    async def lookups(self, request: Request, model: Any, run_query: RunQuery) -> list[tuple[str, str]]:
        return []

    async def get_filtered_query(self, query: AnySelect, value: Any, model: Any) -> AnySelect:
        try:
            day = date.fromisoformat(str(value))
        except ValueError as error:
            raise HTTPException(400, f"{self.title}: expected a date as YYYY-MM-DD.") from error
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        if self._after:
            return query.where(self.column >= start)
        if day == date.max:
            return query
        return query.where(self.column < start + timedelta(days=1))


class IdFilter:
    """Rows whose ``column`` is one id, typed in a number field (an event, a chat, a chief)."""

    has_operator = False
    default_value: Any = _UNSET  # no value unless the URL has one (sqladmin's marker)
    template = "muster/input_filter.html"
    input_type = "number"

    def __init__(self, column: Any, *, title: str, parameter_name: str) -> None:
        self.column, self.title, self.parameter_name = column, title, parameter_name

    async def lookups(self, request: Request, model: Any, run_query: RunQuery) -> list[tuple[str, str]]:
        return []

    async def get_filtered_query(self, query: AnySelect, value: Any, model: Any) -> AnySelect:
        return query.where(self.column == parse_id(value, self.title))


class ClauseFilter:
    """A choice of links, each narrowing the list by its own SQL clause (a role, an organization)."""

    has_operator = False
    default_value: Any = _UNSET  # no value unless the URL has one (sqladmin's marker)
    template = "sqladmin/filters/lookup_filter.html"

    def __init__(
        self,
        *,
        title: str,
        parameter_name: str,
        clause: Callable[[str], ColumnElement[bool] | None],
        choices: Sequence[tuple[str, str]] = (),
        lookups: Lookups | None = None,
    ) -> None:
        self.title, self.parameter_name = title, parameter_name
        self._clause, self._choices, self._lookups = clause, list(choices), lookups

    async def lookups(self, request: Request, model: Any, run_query: RunQuery) -> list[tuple[str, str]]:
        found = await self._lookups(run_query) if self._lookups else []
        return [("__all", "All"), *self._choices, *found]

    async def get_filtered_query(self, query: AnySelect, value: Any, model: Any) -> AnySelect:
        if value in ("", "__all"):
            return query
        clause = self._clause(str(value))
        if clause is None:
            raise HTTPException(400, f"{self.title}: unknown choice.")
        return query.where(clause)


def parse_id(value: Any, what: str) -> int:
    """A positive 64-bit id from a form or query value; 400 otherwise."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not id_in_range(number):
        raise HTTPException(400, f"{what}: expected a positive id.")
    return number


def flag_choices(flags: Mapping[str, Any]) -> Callable[[str], ColumnElement[bool] | None]:
    """A clause per choice for boolean columns: ``{"admin": UserModel.is_admin}``."""

    def clause(value: str) -> ColumnElement[bool] | None:
        column = flags.get(value)
        return None if column is None else column.is_(True)

    return clause
