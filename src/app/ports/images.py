"""Decoding uploads and storing files."""

from __future__ import annotations

from typing import Protocol

from app.core.images.model import InspectedImage


class ImageInspector(Protocol):
    """Decodes an upload completely (proving it is an image) in bounded memory, and re-encodes a
    copy of bounded size without the upload's metadata, and a thumbnail.

    Raises ``NotAnImageError`` for anything that does not decode as a supported image, and
    ``ImageTooLargeError`` for images with more pixels than allowed (decompression bombs), before
    decoding them.
    """

    async def inspect(self, data: bytes) -> InspectedImage: ...


class FileStorage(Protocol):
    """Stores bytes under a key (``events/12/ab12.jpg``) and tells the public URL of a key."""

    async def save(self, key: str, data: bytes) -> None: ...

    async def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...
