"""An event's cover image: ``PUT /api/events/{id}/image/`` (multipart, field ``image``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, put
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.types import ControllerRouterHandler

from app.api.images import store_uploaded_image
from app.api.schemas.event_directory import EventDetailOut
from app.api.schemas.images import ImageUpload
from app.core.event_directory.service import EventDirectoryService
from app.core.images.service import ImageService
from app.core.shared.principal import Principal


class EventImageController(Controller):
    path = "/api/events"
    tags = ["events"]

    @put("/{event_id:int}/image/", operation_id="PutEventImage")
    async def put_image(
        self,
        event_id: FromPath[int],
        data: Annotated[ImageUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        principal: NamedDependency[Principal],
        event_directory: NamedDependency[EventDirectoryService],
        images: NamedDependency[ImageService],
    ) -> EventDetailOut:
        """Upload the event's cover (its organizer): a JPEG, PNG, GIF or WebP image, stored with a
        thumbnail; the event then shows ``image_url`` and ``thumbnail_url``. Errors: 400
        ``invalid_image``, 413 ``image_too_large``, 404 ``event_not_found`` (also another organizer's
        draft), 403 ``not_event_owner``, 409 ``event_not_editable`` (cancelled)."""
        await event_directory.check_image_change(actor=principal, event_id=event_id)
        stored = await store_uploaded_image(data, images, prefix=f"events/{event_id}")
        detail = await event_directory.set_image(actor=principal, event_id=event_id, image=stored)
        return EventDetailOut.of_detail(detail)


ROUTES: list[ControllerRouterHandler] = [EventImageController]
