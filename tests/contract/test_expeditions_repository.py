"""The same expedition repository assertions on the fake, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.accounts.model import User
from app.core.expeditions.errors import AlreadyInvitedError
from app.core.expeditions.model import Expedition, ExpeditionStatus, Membership, MembershipStatus, Person
from app.core.shared.paging import PageRequest
from tests.contract.test_accounts_repository import Factory, uow  # noqa: F401  (the fixture, over three stores)

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


async def _people(uow: Factory, *names: str) -> list[Person]:  # noqa: F811
    async with uow() as unit:
        users = [await unit.users.add(User(email=f"{n}@example.com", name=n, password_hash="h")) for n in names]
        await unit.commit()
    return [Person(id=u.id, name=u.name, email=u.email) for u in users]


async def _expedition(uow: Factory, chief: Person, *members: tuple[Person, MembershipStatus]) -> Expedition:  # noqa: F811
    async with uow() as unit:
        expedition: Expedition = await unit.expeditions.add(
            Expedition(chief_id=chief.id, title="Arctic", start_at=NOW, capacity=5, created_at=NOW)
        )
        expedition.members = [
            Membership(user=p, status=s, invited_at=NOW, confirmed_at=NOW if s == "confirmed" else None)
            for p, s in members
        ]
        await unit.expeditions.save(expedition)
        await unit.commit()
    return expedition


async def _stored(uow: Factory, expedition_id: int) -> Expedition:  # noqa: F811
    async with uow() as unit:
        expedition: Expedition | None = await unit.expeditions.get(expedition_id)
    assert expedition is not None
    return expedition


async def test_an_expedition_round_trips_with_its_members(uow: Factory) -> None:  # noqa: F811
    chief, ann, bob = await _people(uow, "chief", "ann", "bob")
    added = await _expedition(uow, chief, (ann, MembershipStatus.CONFIRMED), (bob, MembershipStatus.INVITED))
    async with uow() as unit:
        loaded = await unit.expeditions.get(added.id)
        locked = await unit.expeditions.get_for_update(added.id)
        missing = await unit.expeditions.get(added.id + 100)
    assert loaded == locked
    assert missing is None
    assert loaded is not None
    assert (loaded.title, loaded.start_at, loaded.capacity, loaded.status) == ("Arctic", NOW, 5, "draft")
    assert [(m.user, m.status, m.confirmed_at) for m in loaded.members] == [
        (ann, MembershipStatus.CONFIRMED, NOW),
        (bob, MembershipStatus.INVITED, None),
    ]


async def test_save_writes_status_and_answers(uow: Factory) -> None:  # noqa: F811
    chief, ann = await _people(uow, "chief", "ann")
    added = await _expedition(uow, chief, (ann, MembershipStatus.INVITED))
    async with uow() as unit:
        expedition = await unit.expeditions.get_for_update(added.id)
        assert expedition is not None
        expedition.status = ExpeditionStatus.READY
        expedition.members[0].status, expedition.members[0].declined_at = MembershipStatus.DECLINED, NOW
        await unit.expeditions.save(expedition)
        await unit.commit()
    stored = await _stored(uow, added.id)
    assert (stored.status, stored.members[0].status, stored.members[0].declined_at) == ("ready", "declined", NOW)


async def test_a_changed_expedition_is_not_stored_without_commit(uow: Factory) -> None:  # noqa: F811
    chief, ann = await _people(uow, "chief", "ann")
    added = await _expedition(uow, chief)
    async with uow() as unit:
        expedition = await unit.expeditions.get_for_update(added.id)
        assert expedition is not None
        expedition.members.append(Membership(user=ann, invited_at=NOW))
        await unit.expeditions.save(expedition)
    assert (await _stored(uow, added.id)).members == []


async def test_one_membership_per_user_and_expedition(uow: Factory) -> None:  # noqa: F811
    chief, ann = await _people(uow, "chief", "ann")
    added = await _expedition(uow, chief)
    async with uow() as unit:
        expedition = await unit.expeditions.get(added.id)
        assert expedition is not None
        expedition.members += [Membership(user=ann, invited_at=NOW), Membership(user=ann, invited_at=NOW)]
        with pytest.raises(AlreadyInvitedError):
            await unit.expeditions.save(expedition)


async def test_listing_covers_the_chief_and_invited_or_confirmed_members_only(uow: Factory) -> None:  # noqa: F811
    chief, ann, bob, eve = await _people(uow, "chief", "ann", "bob", "eve")
    first = await _expedition(uow, chief, (ann, MembershipStatus.CONFIRMED), (bob, MembershipStatus.DECLINED))
    second = await _expedition(uow, ann)
    async with uow() as unit:
        assert await unit.expeditions.ids_for_user(ann.id) == [first.id, second.id]
        assert await unit.expeditions.ids_for_user(chief.id) == [first.id]
        assert await unit.expeditions.ids_for_user(bob.id) == []
        assert await unit.expeditions.ids_for_user(eve.id) == []
        page = await unit.expeditions.list_for_user(ann.id, PageRequest(limit=1, offset=0))
    assert (page.total, [e.id for e in page.items]) == (2, [second.id])  # newest first


async def test_busy_members_are_those_confirmed_in_another_active_expedition(uow: Factory) -> None:  # noqa: F811
    chief, ann, bob, cid = await _people(uow, "chief", "ann", "bob", "cid")
    confirmed, invited = MembershipStatus.CONFIRMED, MembershipStatus.INVITED
    candidate = await _expedition(uow, chief, (ann, confirmed), (bob, confirmed), (cid, confirmed))
    running = await _expedition(uow, chief, (ann, confirmed), (bob, invited))
    finished = await _expedition(uow, chief, (cid, confirmed))
    async with uow() as unit:
        for expedition_id, status in ((running.id, ExpeditionStatus.ACTIVE), (finished.id, ExpeditionStatus.FINISHED)):
            expedition = await unit.expeditions.get_for_update(expedition_id)
            assert expedition is not None
            expedition.status = status
            await unit.expeditions.save(expedition)
        await unit.commit()
    async with uow() as unit:
        assert await unit.expeditions.lock_busy_member_ids(candidate.id) == {ann.id}
        assert await unit.expeditions.lock_busy_member_ids(running.id) == set()


async def test_saving_twice_in_one_unit_of_work_updates_the_new_membership(uow: Factory) -> None:  # noqa: F811
    chief, ann = await _people(uow, "chief", "ann")
    added = await _expedition(uow, chief)
    async with uow() as unit:
        expedition = await unit.expeditions.get_for_update(added.id)
        assert expedition is not None
        expedition.members.append(Membership(user=ann, invited_at=NOW))
        await unit.expeditions.save(expedition)
        expedition.members[0].status, expedition.members[0].confirmed_at = MembershipStatus.CONFIRMED, NOW
        await unit.expeditions.save(expedition)
        await unit.commit()
    stored = await _stored(uow, added.id)
    assert [(m.user_id, m.status) for m in stored.members] == [(ann.id, MembershipStatus.CONFIRMED)]
