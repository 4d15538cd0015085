"""``X-Content-Type-Options: nosniff`` on every kind of HTTP response the app sends."""

from __future__ import annotations

from tests.conftest import Api


async def test_api_responses_and_errors_say_nosniff(api: Api) -> None:
    responses = [
        await api.client.get("/health/"),
        await api.client.get("/api/events/"),
        await api.client.get("/api/users/me/"),  # 401 from the error map
        await api.client.get("/api/no-such-thing/"),  # 404 from the router
        await api.client.post("/api/token/", content=b"{not json", headers={"Content-Type": "application/json"}),
        await api.client.get("/media/events/1/missing.jpg"),
        await api.client.get("/api/schema/openapi.json"),
        await api.client.get("/"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 401, 404, 400, 404, 200, 200]
    assert [r.headers.get_list("x-content-type-options") for r in responses] == [["nosniff"]] * len(responses)
