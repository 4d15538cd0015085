"""Bodies of image uploads."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import UploadFile
from msgspec import Struct

from app.core.images.model import StoredImage


@dataclass
class ImageUpload:
    """A ``multipart/form-data`` body with one file field named ``image``."""

    image: UploadFile


class ImageOut(Struct):
    image_url: str
    thumbnail_url: str
    width: int
    height: int

    @classmethod
    def of(cls, stored: StoredImage) -> ImageOut:
        return cls(
            image_url=stored.image_url, thumbnail_url=stored.thumbnail_url, width=stored.width, height=stored.height
        )
