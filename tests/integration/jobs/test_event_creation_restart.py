"""A deferred event creation is a stored job: a server that stops before the delay has passed leaves
it queued, and a fresh server runs it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url
from app.adapters.db.models.jobs import JobModel
from tests.conftest import running_api, settings_for
from tests.e2e.api.test_organizations import poll_job
from tests.e2e.ticketing_flow import make_organizer


async def test_a_queued_event_creation_is_run_by_the_next_server(database_url: str) -> None:
    settings = settings_for(database_url, event_create_delay_s=3600)
    body = {"title": "After restart", "starts_at": "2099-05-01T18:00:00Z", "capacity": 4}
    async with running_api(settings) as first:
        _, organizer = await make_organizer(first, "org@example.com")
        accepted = await first.client.post("/api/events/", json=body, headers={**organizer, "Prefer": "respond-async"})
        assert accepted.status_code == 202, accepted.text
        location = accepted.headers["location"]
    # The first server is gone with the job still waiting for its delay; let the delay pass.
    engine = create_async_engine(async_url(database_url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            status = await connection.scalar(select(JobModel.status).where(JobModel.id == accepted.json()["id"]))
            await connection.execute(update(JobModel).values(run_at=datetime.now(UTC) - timedelta(seconds=1)))
    finally:
        await engine.dispose()
    assert status == "queued"

    async with running_api(settings) as second:
        job = await poll_job(second, location, organizer)
        assert job["status"] == "done", job
        created = await second.client.get(job["location"], headers=organizer)
    assert (created.status_code, created.json()["title"], created.json()["status"]) == (200, "After restart", "draft")
