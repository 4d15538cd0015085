"""The response store's rules: fresh for its time to live (or less when asked), bounded in size,
and keeping nothing when its time to live is zero."""

from __future__ import annotations

from datetime import timedelta

from app.adapters.memory.response_store import BoundedMemoryStore


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_value_is_served_until_the_time_to_live_ends() -> None:
    clock = Clock()
    store = BoundedMemoryStore(ttl_s=2, clock=clock)
    await store.set("page", b"a")
    clock.now += 1.9
    assert (await store.get("page"), await store.expires_in("page"), await store.exists("page")) == (b"a", 1, True)
    clock.now += 0.1
    assert (await store.get("page"), await store.expires_in("page"), await store.exists("page")) == (None, None, False)


async def test_a_shorter_expiry_asked_for_is_kept_and_a_longer_one_is_capped() -> None:
    clock = Clock()
    store = BoundedMemoryStore(ttl_s=10, clock=clock)
    await store.set("short", "s", expires_in=1)
    await store.set("long", b"l", expires_in=timedelta(hours=1))
    clock.now += 5
    assert (await store.get("short"), await store.get("long")) == (None, b"l")
    clock.now += 5
    assert await store.get("long") is None


async def test_the_oldest_value_makes_room_when_the_store_is_full() -> None:
    store = BoundedMemoryStore(ttl_s=60, max_entries=2)
    for key in ("a", "b", "c"):
        await store.set(key, key.upper())
    assert [await store.get(key) for key in ("a", "b", "c")] == [None, b"B", b"C"]
    await store.set("b", b"B2")  # set again: now the newest
    await store.set("d", b"D")
    assert [await store.get(key) for key in ("b", "c", "d")] == [b"B2", None, b"D"]


async def test_nothing_is_kept_when_the_time_to_live_is_zero() -> None:
    store = BoundedMemoryStore(ttl_s=0)
    await store.set("page", b"a")
    assert await store.get("page") is None


async def test_values_are_renewed_deleted_and_cleared() -> None:
    clock = Clock()
    store = BoundedMemoryStore(ttl_s=10, clock=clock)
    await store.set("a", b"a", expires_in=2)
    await store.set("b", b"b")
    clock.now += 1
    assert await store.get("a", renew_for=5) == b"a"
    clock.now += 4
    assert await store.get("a") == b"a"  # renewed past its first expiry
    await store.delete("a")
    assert await store.get("a") is None
    await store.delete_all()
    assert await store.get("b") is None
