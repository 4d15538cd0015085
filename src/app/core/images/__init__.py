"""Uploaded images: proven to be images, thumbnailed, stored, and served by URL.

``ImageService`` lives in ``app.core.images.service``.
"""

from app.core.images.model import ImageTooLargeError, InspectedImage, NotAnImageError, StoredImage

__all__ = ["ImageTooLargeError", "InspectedImage", "NotAnImageError", "StoredImage"]
