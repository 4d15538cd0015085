"""Fake of the expeditions repository."""

from __future__ import annotations

import copy

from app.core.expeditions.errors import AlreadyInvitedError
from app.core.expeditions.model import Expedition, ExpeditionStatus
from app.core.shared.paging import Page, PageRequest
from tests.fakes.store import Store


class InMemoryExpeditionRepository:
    """Expeditions by id; locks are no-ops because the fake runs one unit of work at a time."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, expedition: Expedition) -> Expedition:
        stored = copy.deepcopy(expedition)
        stored.id = next(self._store.ids)
        self._store.expeditions[stored.id] = stored
        return copy.deepcopy(stored)

    async def get(self, expedition_id: int) -> Expedition | None:
        expedition = self._store.expeditions.get(expedition_id)
        return copy.deepcopy(expedition) if expedition else None

    async def get_for_update(self, expedition_id: int) -> Expedition | None:
        return await self.get(expedition_id)

    async def save(self, expedition: Expedition) -> None:
        user_ids = [m.user_id for m in expedition.members]
        if len(set(user_ids)) != len(user_ids):
            raise AlreadyInvitedError()
        self._store.expeditions[expedition.id] = copy.deepcopy(expedition)

    async def lock_busy_member_ids(self, expedition_id: int) -> set[int]:
        mine = self._store.expeditions[expedition_id].confirmed_ids
        return {
            user_id
            for other in self._store.expeditions.values()
            if other.id != expedition_id and other.status is ExpeditionStatus.ACTIVE
            for user_id in other.confirmed_ids & mine
        }

    async def list_for_user(self, user_id: int, page: PageRequest) -> Page[Expedition]:
        mine = [e for e in sorted(self._store.expeditions.values(), key=lambda e: -e.id) if e.belongs(user_id)]
        window = mine[page.offset : page.offset + page.limit]
        return Page(items=copy.deepcopy(window), total=len(mine), request=page)

    async def ids_for_user(self, user_id: int) -> list[int]:
        return sorted(e.id for e in self._store.expeditions.values() if e.belongs(user_id))
