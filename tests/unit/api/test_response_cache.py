"""Response-cache keys: the data's version when the request began, and what the page's links show."""

from __future__ import annotations

from typing import Any

from litestar import Request

from app.api.response_cache import versioned_key


def _request(query: bytes = b"limit=20", host: bytes = b"example.com", scheme: str = "https") -> Request[Any, Any, Any]:
    scope: Any = {
        "type": "http",
        "method": "GET",
        "scheme": scheme,
        "path": "/api/events/",
        "raw_path": b"/api/events/",
        "query_string": query,
        "headers": [(b"host", host)],
        "root_path": "",
    }
    return Request(scope)


def test_a_request_keeps_the_key_of_the_version_it_began_at() -> None:
    version = 3
    key = versioned_key(lambda: version)
    request = _request()
    first = key(request)
    version = 4  # a change committed while the page was read
    assert key(Request(request.scope)) == first  # stored under the version it began at
    assert key(_request()) != first  # the next request reads the list afresh


def test_pages_whose_links_differ_have_keys_of_their_own() -> None:
    key = versioned_key(lambda: 1)
    keys = {
        key(_request()),
        key(_request(query=b"limit=20&offset=20")),
        key(_request(host=b"other.example.com")),
        key(_request(scheme="http")),
    }
    assert len(keys) == 4
    assert key(_request()) == key(_request())
