"""The ``{count, next, previous, results}`` envelope says whether ``count`` is exact."""

from __future__ import annotations

from litestar.testing import RequestFactory

from app.api.pagination import page_out
from app.core.shared.paging import COUNT_AHEAD, Page, PageRequest


def test_a_capped_count_is_a_lower_bound_with_a_next_link_when_counting_stopped() -> None:
    request = RequestFactory().get("/api/events/", query_params={"limit": "20"})
    window = PageRequest(limit=20)
    page = page_out(request, Page.counted(list(range(20)), window.count_cap, window), str)
    assert (page.count, page.count_is_exact) == (20 + COUNT_AHEAD, False)
    assert page.next is not None and "offset=20" in page.next
    assert page.previous is None


def test_a_count_below_the_cap_is_exact_and_the_last_page_has_no_next_link() -> None:
    request = RequestFactory().get("/api/events/", query_params={"limit": "20", "offset": "20"})
    window = PageRequest(limit=20, offset=20)
    page = page_out(request, Page.counted(["a", "b"], 22, window), str)
    assert (page.count, page.count_is_exact, page.next) == (22, True, None)
    assert page.previous is not None and "offset=0" in page.previous
