"""The batcher isolates an item storage refuses: the batch is served again in halves until the item
at fault is alone; everyone else is stored and answered as if they had been alone."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

import pytest

from app.core.shared.batching import KeyedBatcher, Pending
from app.core.shared.errors import DomainError, DuplicateKeyError, UnstorableValueError


class Store:
    """A batch handler over a list: one transaction per call, refused as a whole when any item is poison."""

    def __init__(self, *, poison: set[str] = frozenset(), lost_race: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.rows: list[str] = []
        self.calls: list[list[str]] = []
        self._poison, self._lost_race = poison, set(lost_race)

    async def handle(self, _key: Hashable, batch: list[Pending[str, int]]) -> None:
        items = [p.request for p in batch]
        self.calls.append(items)
        accepted = []
        for pending in batch:
            if pending.request == "rule":  # refused by a rule: fails alone, the batch goes on
                pending.fail(DomainError("rule"))
            else:
                accepted.append(pending)
        if any(item in self._poison for item in items):
            raise UnstorableValueError()
        if any(item in self._lost_race for item in items):
            self._lost_race -= set(items)  # the winner's row is there now: the next attempt reads it
            raise DuplicateKeyError()
        for pending in accepted:
            self.rows.append(pending.request)
            pending.resolve(len(self.rows))


async def _burst(batcher: KeyedBatcher[str, int], items: list[str]) -> list[int | BaseException]:
    return await asyncio.gather(*(batcher.submit("k", item) for item in items), return_exceptions=True)


async def test_one_poisoned_item_fails_alone_and_the_rest_is_stored_in_order() -> None:
    store = Store(poison={"bad"})
    batcher: KeyedBatcher[str, int] = KeyedBatcher(store.handle)
    items = [f"m{n}" for n in range(15)] + ["bad"] + [f"m{n}" for n in range(15, 30)]

    results = await _burst(batcher, items)

    assert isinstance(results[15], UnstorableValueError)
    good = [r for i, r in enumerate(results) if i != 15]
    assert store.rows == [item for item in items if item != "bad"]  # every good one, in arrival order
    assert good == list(range(1, 31))
    # Bisection: the burst, then two transactions per halving (31 → 16 → 8 → 4 → 2 → 1).
    assert len(store.calls) == 1 + 2 * 5


async def test_a_batch_without_a_refusal_is_served_once() -> None:
    store = Store()
    batcher: KeyedBatcher[str, int] = KeyedBatcher(store.handle)

    results = await _burst(batcher, [f"m{n}" for n in range(30)])

    assert results == list(range(1, 31))
    assert len(store.calls) == 1  # all of them arrived before the first batch started: one transaction


async def test_several_poisoned_items_each_get_their_own_error() -> None:
    store = Store(poison={"bad1", "bad2", "bad3"})
    batcher: KeyedBatcher[str, int] = KeyedBatcher(store.handle)
    items = ["a", "bad1", "b", "c", "bad2", "d", "e", "f", "bad3"]

    results = await _burst(batcher, items)

    assert [type(r).__name__ for r in results] == [
        "int",
        "UnstorableValueError",
        "int",
        "int",
        "UnstorableValueError",
        "int",
        "int",
        "int",
        "UnstorableValueError",
    ]
    assert store.rows == ["a", "b", "c", "d", "e", "f"]


async def test_requests_refused_by_rules_are_not_served_again() -> None:
    store = Store(poison={"bad"})
    batcher: KeyedBatcher[str, int] = KeyedBatcher(store.handle)

    results = await _burst(batcher, ["first", "rule", "x", "bad", "y"])

    assert isinstance(results[1], DomainError) and results[1].detail == "rule"
    assert isinstance(results[3], UnstorableValueError)
    assert store.rows == ["first", "x", "y"]
    assert sum(call.count("rule") for call in store.calls) == 1


async def test_a_lone_request_that_lost_a_race_is_served_once_more() -> None:
    store = Store(lost_race={"dup"})
    batcher: KeyedBatcher[str, int] = KeyedBatcher(store.handle)

    assert await batcher.submit("k", "dup") == 1
    assert store.calls == [["dup"], ["dup"]]


async def test_a_lone_poisoned_request_is_refused_after_one_more_try() -> None:
    store = Store(poison={"bad"})
    batcher: KeyedBatcher[str, int] = KeyedBatcher(store.handle)

    with pytest.raises(UnstorableValueError):
        await batcher.submit("k", "bad")
    assert store.calls == [["bad"], ["bad"]]


async def test_any_other_failure_still_fails_its_whole_batch() -> None:
    calls = 0

    async def broken(_key: Hashable, _batch: list[Pending[str, int]]) -> None:
        nonlocal calls
        calls += 1
        raise ConnectionError("database down")

    batcher: KeyedBatcher[str, int] = KeyedBatcher(broken)
    results = await _burst(batcher, ["a", "b", "c"])

    assert all(isinstance(r, ConnectionError) for r in results)
    assert calls == 1  # one batch, failed as a whole: nothing is retried
