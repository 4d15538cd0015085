"""What an uploaded image becomes, and why one may be refused."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.shared.errors import InvalidInputError, TooLargeError


class ImageTooLargeError(TooLargeError):
    code = "image_too_large"
    default_detail = "The image is larger than allowed."


class NotAnImageError(InvalidInputError):
    code = "invalid_image"
    default_detail = "The upload is not an image in a supported format (JPEG, PNG, GIF or WebP)."


@dataclass(frozen=True, slots=True)
class InspectedImage:
    """A decoded upload: its format and size, and a thumbnail already encoded."""

    extension: str  # "jpg", "png", "gif" or "webp"
    width: int
    height: int
    thumbnail: bytes
    thumbnail_extension: str


@dataclass(frozen=True, slots=True)
class StoredImage:
    """Where a stored image and its thumbnail can be fetched."""

    image_url: str
    thumbnail_url: str
    width: int
    height: int
