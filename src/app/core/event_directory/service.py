"""Event directory use cases: events organized by several organizations, the searchable public list,
cover images, and deferred creation (``Prefer: respond-async``) as a background job."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from app.core.event_directory.listing import EventQuery
from app.core.event_directory.model import EventDetail, NewEvent
from app.core.event_directory.organizers import ensure_organizations_exist
from app.core.images.model import StoredImage
from app.core.images.service import ImageService
from app.core.jobs.model import Job
from app.core.shared.paging import Page, PageRequest
from app.core.shared.principal import Principal, Role
from app.core.ticketing.errors import EventNotEditableError
from app.core.ticketing.model import Event, EventChanges, EventStatus, check_event_fields, ensure_organizer
from app.core.ticketing.services.events import EventService
from app.core.ticketing.services.steps import managed_event, visible_event
from app.ports.event_directory import EventDirectoryUnitOfWork, EventDirectoryUnitOfWorkFactory
from app.ports.jobs import JobHandler, JobPayload, JobQueue

CREATE_EVENT_JOB = "create_event"


class EventDirectoryService:
    """Event directory use cases. Creating and editing go through the ticketing ``EventService``."""

    def __init__(
        self,
        *,
        uow: EventDirectoryUnitOfWorkFactory,
        events: EventService,
        jobs: JobQueue | None = None,
        create_delay_s: float = 0.0,
        images: ImageService | None = None,
    ) -> None:
        self._uow, self._events, self._jobs, self._create_delay_s = uow, events, jobs, create_delay_s
        self._images = images

    async def create_event(self, *, actor: Principal, draft: NewEvent) -> EventDetail:
        """Create a draft event organized by ``draft.organization_ids``. Rules: organizers only; a
        title; a capacity of at least one; every organization exists (``unknown_organizations``)."""
        event = await self._events.create_event(actor=actor, **asdict(draft))
        return await self.get_event(actor=actor, event_id=event.id)

    async def request_creation(self, *, actor: Principal, draft: NewEvent) -> Job:
        """Create the event in a background job after the configured delay (``Prefer: respond-async``).

        Everything ``create_event`` checks is checked now, so only an acceptable event is queued; the
        job is stored before this returns and survives a restart.
        """
        if self._jobs is None:
            raise RuntimeError("EventDirectoryService was built without a job queue")
        ensure_organizer(actor)
        check_event_fields(
            title=draft.title, capacity=draft.capacity, description=draft.description, location=draft.location
        )
        async with self._uow() as uow:
            await ensure_organizations_exist(uow.event_directory, draft.organization_ids)
        payload = {
            "actor_id": actor.user_id,
            "actor_roles": sorted(actor.roles),
            **asdict(draft),
            "starts_at": draft.starts_at.isoformat(),
            "organization_ids": list(draft.organization_ids),
            "creation_key": secrets.token_hex(16),
        }
        return await self._jobs.enqueue(
            CREATE_EVENT_JOB, payload, created_by=actor.user_id, delay_s=self._create_delay_s
        )

    def job_handlers(self) -> dict[str, JobHandler]:
        """The job kinds this service runs, for every worker."""
        return {CREATE_EVENT_JOB: self.run_creation_job}

    async def run_creation_job(self, payload: JobPayload) -> dict[str, Any]:
        """The ``create_event`` job handler: creates what ``request_creation`` queued.

        Safe to run again (a worker that died after the commit): the event carries the job's
        ``creation_key`` (unique), and a re-run answers with the event already made.
        """
        creation_key = str(payload["creation_key"]) if payload.get("creation_key") else None
        if creation_key is not None:
            async with self._uow() as uow:
                existing = await uow.event_directory.event_id_for_creation_key(creation_key)
            if existing is not None:
                return {"event_id": existing}
        actor = Principal(user_id=int(payload["actor_id"]), roles=frozenset(Role(r) for r in payload["actor_roles"]))
        draft = NewEvent(
            title=str(payload["title"]),
            starts_at=datetime.fromisoformat(str(payload["starts_at"])),
            capacity=int(payload["capacity"]),
            description=str(payload.get("description", "")),
            location=str(payload.get("location", "")),
            requires_approval=bool(payload.get("requires_approval", False)),
            organization_ids=tuple(int(i) for i in payload.get("organization_ids", ())),
        )
        event = await self._events.create_event(actor=actor, creation_key=creation_key, **asdict(draft))
        return {"event_id": event.id}

    async def get_event(self, *, actor: Principal | None, event_id: int) -> EventDetail:
        """An event with its organizations and their active members (drafts: organizer only), in a
        fixed number of queries whatever the number of organizations and members."""
        async with self._uow() as uow:
            event = await visible_event(uow.events, actor, event_id)
            return await _detail(uow, event)

    async def edit_event(
        self, *, actor: Principal, event_id: int, changes: EventChanges, organization_ids: Sequence[int] | None
    ) -> EventDetail:
        """Edit a draft or published event (see ``EventService.edit_event``); ``organization_ids``,
        when given, replaces its organizations."""
        await self._events.edit_event(
            actor=actor, event_id=event_id, changes=changes, organization_ids=organization_ids
        )
        return await self.get_event(actor=actor, event_id=event_id)

    async def list_published(self, *, query: EventQuery, page: PageRequest) -> Page[Event]:
        """Published events matching ``query`` (title search, date window, organization), in its order."""
        async with self._uow() as uow:
            return await uow.event_directory.list_published(query, page)

    async def check_image_change(self, *, actor: Principal, event_id: int) -> None:
        """Refuse before an upload is stored: ``event_not_found`` (404, drafts of others too),
        ``not_event_owner`` (403), ``event_not_editable`` (409, cancelled)."""
        async with self._uow() as uow:
            await _image_target(uow, actor, event_id, lock=False)

    async def set_image(self, *, actor: Principal, event_id: int, image: StoredImage) -> EventDetail:
        """Show a stored image (and its thumbnail) as the event's cover. Organizer only.

        The files of the cover it replaces are deleted after the commit; when the change is refused,
        the new files are deleted instead.
        """
        try:
            async with self._uow() as uow:
                event = await _image_target(uow, actor, event_id, lock=True)
                replaced = (event.image_url, event.thumbnail_url)
                event.image_url, event.thumbnail_url = image.image_url, image.thumbnail_url
                event = await uow.events.update(event)
                detail = await _detail(uow, event)
                await uow.commit()
        except BaseException:
            await self._discard(image.image_url, image.thumbnail_url)
            raise
        await self._discard(*replaced)
        return detail

    async def _discard(self, *urls: str | None) -> None:
        if self._images is not None:
            await self._images.discard(*urls)


async def _detail(uow: EventDirectoryUnitOfWork, event: Event) -> EventDetail:
    organization_ids = await uow.event_directory.organization_ids(event.id)
    return EventDetail(event=event, organizations=await uow.organizations.cards(organization_ids))


async def _image_target(uow: EventDirectoryUnitOfWork, actor: Principal, event_id: int, *, lock: bool) -> Event:
    event = await managed_event(uow.events, actor, event_id, lock=lock)
    if event.status is EventStatus.CANCELLED:
        raise EventNotEditableError()
    return event
