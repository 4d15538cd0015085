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
    """A decoded upload, re-encoded: the copy to serve (bounded size, no metadata) and its thumbnail.
    The uploaded bytes themselves are never kept."""

    image: bytes
    extension: str  # "jpg", or "png" for images with transparency
    width: int  # of the served copy
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
