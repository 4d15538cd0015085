"""Fake of the organizations repository."""

from __future__ import annotations

from dataclasses import replace

from app.core.organizations.errors import AlreadyMemberError
from app.core.organizations.model import MemberCard, Organization, OrganizationCard
from app.core.shared.paging import Page, PageRequest
from tests.fakes.store import Store


class InMemoryOrganizationRepository:
    """Organizations in the fake store; cards show the store's active users."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, organization: Organization) -> Organization:
        stored = replace(organization, id=next(self._store.ids))
        self._store.organizations[stored.id] = stored
        return replace(stored)

    async def get(self, organization_id: int) -> Organization | None:
        organization = self._store.organizations.get(organization_id)
        return replace(organization) if organization else None

    get_for_update = get

    async def add_member(self, organization_id: int, user_id: int) -> None:
        organization = self._store.organizations[organization_id]
        if user_id in organization.member_ids:
            raise AlreadyMemberError()
        organization.member_ids = organization.member_ids | {user_id}

    async def remove_member(self, organization_id: int, user_id: int) -> bool:
        organization = self._store.organizations[organization_id]
        if user_id not in organization.member_ids:
            return False
        organization.member_ids = organization.member_ids - {user_id}
        return True

    async def cards(self, organization_ids: list[int]) -> list[OrganizationCard]:
        cards = []
        for organization_id in dict.fromkeys(organization_ids):
            organization = self._store.organizations.get(organization_id)
            if organization is None:
                continue
            users = [self._store.users[i] for i in sorted(organization.member_ids) if i in self._store.users]
            members = [MemberCard(id=u.id, name=u.name, email=u.email) for u in users if u.is_active]
            cards.append(OrganizationCard(organization=replace(organization), members=members))
        return cards

    async def list_cards(self, *, search: str | None, page: PageRequest) -> Page[OrganizationCard]:
        matching = [
            o.id
            for o in sorted(self._store.organizations.values(), key=lambda o: o.id)
            if not search or search.lower() in o.title.lower()
        ]
        window = matching[page.offset : page.offset + page.limit]
        return Page(items=await self.cards(window), total=len(matching), request=page)
