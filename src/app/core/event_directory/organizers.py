"""The organizations that organize an event: every id given must name an existing organization."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from app.core.shared.errors import FieldError, InvalidInputError

MAX_ORGANIZERS = 50


class UnknownOrganizationsError(InvalidInputError):
    code = "unknown_organizations"
    default_detail = "Some of the given organizations do not exist."


class KnownOrganizations(Protocol):
    async def known_organization_ids(self, organization_ids: Sequence[int]) -> set[int]: ...


async def ensure_organizations_exist(directory: KnownOrganizations, organization_ids: Sequence[int]) -> None:
    """Raise ``unknown_organizations`` (400, naming ``organization_ids``) for ids naming nothing."""
    if not organization_ids:
        return
    missing = sorted(set(organization_ids) - await directory.known_organization_ids(organization_ids))
    if missing:
        raise UnknownOrganizationsError(
            f"No organizations with ids {', '.join(map(str, missing))}.",
            errors=[FieldError("organization_ids", f"unknown organization id {i}") for i in missing],
        )
