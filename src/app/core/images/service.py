"""Storing an uploaded image and its thumbnail."""

from __future__ import annotations

import contextlib
import re
import secrets

from app.core.images.model import ImageTooLargeError, StoredImage
from app.ports.images import FileStorage, ImageInspector

_PREFIX = re.compile(r"^[a-z0-9_\-]+(/[a-z0-9_\-]+)*$")


class ImageService:
    """Image use cases: check, re-encode, thumbnail, store."""

    def __init__(self, *, inspector: ImageInspector, storage: FileStorage, max_bytes: int) -> None:
        self._inspector, self._storage, self.max_bytes = inspector, storage, max_bytes

    async def store(self, data: bytes, *, prefix: str) -> StoredImage:
        """Store a re-encoded copy of an uploaded image and its thumbnail under ``prefix``
        (``events/12``); return their URLs. The uploaded bytes are never stored or served.

        Rules: at most ``max_bytes`` (413 ``image_too_large``) and at most the inspector's pixel cap
        (413 ``image_too_large``, known from the header before decoding); it must decode as a JPEG,
        PNG, GIF or WebP image (400 ``invalid_image``). Each upload gets fresh random names, so a new image
        never collides with one a client may have cached.
        """
        if len(data) > self.max_bytes:
            raise ImageTooLargeError(f"Images are limited to {self.max_bytes} bytes.")
        if not _PREFIX.match(prefix):
            raise ValueError(f"bad storage prefix {prefix!r}")
        inspected = await self._inspector.inspect(data)
        name = secrets.token_hex(8)
        image_key = f"{prefix}/{name}.{inspected.extension}"
        thumbnail_key = f"{prefix}/{name}_thumb.{inspected.thumbnail_extension}"
        await self._storage.save(image_key, inspected.image)
        await self._storage.save(thumbnail_key, inspected.thumbnail)
        return StoredImage(
            image_url=self._storage.url(image_key),
            thumbnail_url=self._storage.url(thumbnail_key),
            width=inspected.width,
            height=inspected.height,
        )

    async def discard(self, *urls: str | None) -> None:
        """Delete stored files by their URLs (a replaced cover, or an upload that was not used).
        URLs this storage did not make are left alone; a file already gone is no error."""
        prefix = self._storage.url("")
        for url in urls:
            if url and url.startswith(prefix) and len(url) > len(prefix):
                with contextlib.suppress(OSError, ValueError):
                    await self._storage.delete(url[len(prefix) :])
