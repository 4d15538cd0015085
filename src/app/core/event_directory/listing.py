"""What the public event list shows: a title search, a date window, an organizer, an order.

``event_query`` turns the list's query parameters (``?search=&date=&date__gte=&date__lte=&ordering=
&organization=``) into an ``EventQuery``, naming every bad parameter in a ``validation_error``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from app.core.shared.errors import FieldError, InvalidInputError

MAX_SEARCH = 200


class InvalidEventQueryError(InvalidInputError):
    code = "validation_error"
    default_detail = "The input is invalid."


class EventOrdering(StrEnum):
    """``date``: soonest first; ``-date``: latest first. Ties go by id, in the same direction."""

    SOONEST = "date"
    LATEST = "-date"


ORDERING_ALIASES = {"date": EventOrdering.SOONEST, "-date": EventOrdering.LATEST}
ORDERING_ALIASES |= {"starts_at": EventOrdering.SOONEST, "-starts_at": EventOrdering.LATEST}


def fold(text: str) -> str:
    """The case-insensitive form of a title or a search (Unicode case folding, not only ASCII)."""
    return text.casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class EventQuery:
    """Which published events a list page shows. Bounds are UTC instants: ``starts_from`` inclusive,
    ``starts_before`` exclusive."""

    search: str | None = None
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    organization_id: int | None = None
    ordering: EventOrdering = EventOrdering.SOONEST

    @property
    def search_key(self) -> str | None:
        """The search as stored titles are compared with it (case-folded)."""
        return fold(self.search) if self.search else None

    def matches(self, *, title: str, starts_at: datetime, organization_ids: frozenset[int]) -> bool:
        """The query's rule for one event (what the SQL repository computes in the database)."""
        key = self.search_key
        return (
            (key is None or key in fold(title))
            and (self.starts_from is None or starts_at >= self.starts_from)
            and (self.starts_before is None or starts_at < self.starts_before)
            and (self.organization_id is None or self.organization_id in organization_ids)
        )


OUT_OF_RANGE = "The bound is beyond the representable UTC range (up to 9999-12-30)."


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _parse_bound(field: str, raw: str, errors: list[FieldError], *, end_of_day: bool) -> datetime | None:
    """A day (``2027-05-01``, the whole UTC day) or an instant with a zone (``2027-05-01T18:00:00Z``)."""
    text = raw.strip()
    try:
        if len(text) == 10:
            day = _day_start(date.fromisoformat(text))
            return day + timedelta(days=1) if end_of_day else day
        instant = datetime.fromisoformat(text)
        if instant.tzinfo is None:
            errors.append(FieldError(field, "A date-time needs a zone (e.g. 2027-05-01T18:00:00Z)."))
            return None
        instant = instant.astimezone(UTC)
        # An inclusive upper instant: everything up to and including it.
        return instant + timedelta(microseconds=1) if end_of_day else instant
    except OverflowError:
        errors.append(FieldError(field, OUT_OF_RANGE))
    except ValueError:
        errors.append(FieldError(field, "Give a date (YYYY-MM-DD) or a date-time with a zone."))
    return None


def event_query(
    *,
    search: str | None = None,
    date: str | None = None,
    date__gte: str | None = None,
    date__lte: str | None = None,
    ordering: str | None = None,
    organization: int | None = None,
) -> EventQuery:
    """Check and combine the list's query parameters.

    ``date`` is one UTC day; ``date__gte`` / ``date__lte`` are inclusive bounds, each a day or an
    instant; ``ordering`` is ``date`` or ``-date``; ``organization`` an organization id. Raises
    ``InvalidEventQueryError`` naming each bad parameter.
    """
    errors: list[FieldError] = []
    lower: list[datetime] = []
    upper: list[datetime] = []
    if date is not None:
        try:
            day = _day_start(datetime.strptime(date.strip(), "%Y-%m-%d").date())
            lower.append(day)
            upper.append(day + timedelta(days=1))
        except OverflowError:
            errors.append(FieldError("date", OUT_OF_RANGE))
        except ValueError:
            errors.append(FieldError("date", "Give a day as YYYY-MM-DD."))
    if date__gte is not None and (bound := _parse_bound("date__gte", date__gte, errors, end_of_day=False)):
        lower.append(bound)
    if date__lte is not None and (bound := _parse_bound("date__lte", date__lte, errors, end_of_day=True)):
        upper.append(bound)
    chosen = EventOrdering.SOONEST
    if ordering is not None:
        if ordering.strip() not in ORDERING_ALIASES:
            errors.append(FieldError("ordering", "Order by date or -date."))
        else:
            chosen = ORDERING_ALIASES[ordering.strip()]
    text = (search or "").strip()
    if len(text) > MAX_SEARCH:
        errors.append(FieldError("search", f"At most {MAX_SEARCH} characters."))
    if organization is not None and organization < 1:
        errors.append(FieldError("organization", "Give an organization id (a positive integer)."))
    if errors:
        raise InvalidEventQueryError(errors=errors)
    return EventQuery(
        search=text or None,
        starts_from=max(lower) if lower else None,
        starts_before=min(upper) if upper else None,
        organization_id=organization,
        ordering=chosen,
    )
