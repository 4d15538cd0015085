"""Receiving an image upload: the one function image endpoints (an event's cover) call."""

from __future__ import annotations

from app.api.schemas.images import ImageUpload
from app.core.images.model import ImageTooLargeError, StoredImage
from app.core.images.service import ImageService


async def store_uploaded_image(upload: ImageUpload, images: ImageService, *, prefix: str) -> StoredImage:
    """Read the ``image`` field of a multipart upload (never more than the limit plus one byte), check
    that it decodes as an image, make its thumbnail and store both under ``prefix``.

    ``PUT /api/events/{id}/image/`` calls it with ``prefix=f"events/{id}"`` and saves the two URLs on
    the event. Errors: 413 ``image_too_large``, 400 ``invalid_image``.
    """
    data = await upload.image.read(images.max_bytes + 1)
    await upload.image.close()
    if len(data) > images.max_bytes:
        raise ImageTooLargeError(f"Images are limited to {images.max_bytes} bytes.")
    return await images.store(data, prefix=prefix)
