"""Fakes of the image ports: file storage and the image inspector."""

from __future__ import annotations

from app.core.images.model import InspectedImage, NotAnImageError


class InMemoryFileStorage:
    """Keeps saved files in a dict; URLs are ``/media/<key>``."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, key: str, data: bytes) -> None:
        self.files[key] = data

    async def delete(self, key: str) -> None:
        self.files.pop(key, None)

    def url(self, key: str) -> str:
        return f"/media/{key}"


class FakeImageInspector:
    """Accepts bytes starting with ``IMG`` as a 640x480 image, re-encoded as ``COPY`` + the bytes; refuses
    anything else."""

    def __init__(self) -> None:
        self.inspected = 0

    async def inspect(self, data: bytes) -> InspectedImage:
        self.inspected += 1
        if not data.startswith(b"IMG"):
            raise NotAnImageError()
        return InspectedImage(
            image=b"COPY" + data, extension="png", width=640, height=480, thumbnail=b"THUMB", thumbnail_extension="jpg"
        )
