"""An event's organizations and cover under real concurrency on PostgreSQL: concurrent edits are
serialized by the event's row lock, so the stored organizers are always exactly one edit's set and
the cover always one upload's image with its own thumbnail."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import running_api, settings_for, truncate_all
from tests.e2e.api.test_event_directory import event, organization, png
from tests.e2e.ticketing_flow import make_organizer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

EDITS = 20


async def test_concurrent_edits_and_uploads_leave_one_consistent_result(postgres_url: str, tmp_path: Path) -> None:
    await truncate_all(postgres_url)
    settings = settings_for(postgres_url, database_pool_size=30, media_root=str(tmp_path))
    async with running_api(settings) as api:
        _, organizer = await make_organizer(api, "org@example.com")
        ids = [(await organization(api, organizer, f"Org {n}"))["id"] for n in range(6)]
        created = await event(api, organizer, organization_ids=[ids[0]])
        url = f"/api/events/{created['id']}/"
        wanted = [sorted({ids[n % 6], ids[(n * 5 + 1) % 6], ids[(n + 3) % 6]}) for n in range(EDITS)]

        responses = await asyncio.gather(
            *(api.client.patch(url, json={"organization_ids": o}, headers=organizer) for o in wanted),
            *(
                api.client.put(
                    f"{url}image/", files={"image": ("c.png", png(8 + n, 8), "image/png")}, headers=organizer
                )
                for n in range(EDITS)
            ),
        )
        final = (await api.client.get(url)).json()
        served = [(await api.client.get(final[k])).status_code for k in ("image_url", "thumbnail_url")]
        stored = await asyncio.to_thread(lambda: sorted(p.name for p in tmp_path.rglob("*") if p.is_file()))

    assert [r.status_code for r in responses] == [200] * (2 * EDITS), [r.text for r in responses if r.is_error]
    assert [o["id"] for o in final["organizations"]] in wanted
    uploaded = {(r.json()["image_url"], r.json()["thumbnail_url"]) for r in responses[EDITS:]}
    assert len(uploaded) == EDITS
    assert (final["image_url"], final["thumbnail_url"]) in uploaded
    assert served == [200, 200]
    assert stored == sorted(url.rsplit("/", 1)[1] for url in (final["image_url"], final["thumbnail_url"]))
