"""The page cache's rules: fresh for its time to live, dropped on a change, never keeping a page read
while a change was committed, and bounded in size."""

from __future__ import annotations

from app.adapters.db.page_cache import PageCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_page_is_served_until_its_time_to_live_ends_when_nothing_changes() -> None:
    clock = Clock()
    cache = PageCache(ttl_s=2, clock=clock)
    cache.put("first", cache.generation, ["a"])
    clock.now += 1.9
    assert cache.get("first") == ["a"]
    clock.now += 0.1
    assert cache.get("first") is None


def test_every_page_is_dropped_when_a_change_is_committed() -> None:
    cache = PageCache(ttl_s=60)
    cache.put("first", cache.generation, ["a"])
    cache.put("second", cache.generation, ["b"])
    cache.invalidate()
    assert (cache.get("first"), cache.get("second")) == (None, None)


def test_a_page_read_while_a_change_was_committed_is_not_kept() -> None:
    cache = PageCache(ttl_s=60)
    began = cache.generation
    cache.invalidate()  # committed while the page's query ran
    cache.put("first", began, ["stale"])
    assert cache.get("first") is None
    cache.put("first", cache.generation, ["fresh"])
    assert cache.get("first") == ["fresh"]


def test_the_oldest_page_makes_room_when_the_cache_is_full() -> None:
    cache = PageCache(ttl_s=60, max_entries=2)
    for key in ("a", "b", "c"):
        cache.put(key, cache.generation, key.upper())
    assert [cache.get(key) for key in ("a", "b", "c")] == [None, "B", "C"]


def test_nothing_is_kept_when_the_time_to_live_is_zero() -> None:
    cache = PageCache(ttl_s=0)
    cache.put("first", cache.generation, ["a"])
    assert cache.get("first") is None
