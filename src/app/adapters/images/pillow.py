"""Decoding and thumbnailing with Pillow, in a bounded thread pool (CPU work stays off the event loop)."""

from __future__ import annotations

import asyncio
import io
import warnings
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.images.model import ImageTooLargeError, InspectedImage, NotAnImageError

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class PillowImageInspector:
    """Decodes the whole image (not just its header), refuses other formats and oversized pixel counts,
    and makes a thumbnail that fits in a ``thumbnail_size`` square (JPEG, or PNG with alpha)."""

    def __init__(self, *, thumbnail_size: int = 320, max_pixels: int = 40_000_000, threads: int = 2) -> None:
        self._size, self._max_pixels = thumbnail_size, max_pixels
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="thumbnails")

    async def inspect(self, data: bytes) -> InspectedImage:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._inspect, data)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _inspect(self, data: bytes) -> InspectedImage:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data), formats=list(EXTENSIONS)) as probe:
                    fmt = probe.format or ""
                    width, height = probe.size
                    if width * height > self._max_pixels:
                        raise ImageTooLargeError(f"Images are limited to {self._max_pixels} pixels.")
                    probe.load()  # decode every pixel: a truncated or forged file fails here
                    thumbnail = self._thumbnail(probe)
        except (ImageTooLargeError, NotAnImageError):
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageTooLargeError(f"Images are limited to {self._max_pixels} pixels.") from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
            raise NotAnImageError() from error
        if fmt not in EXTENSIONS:
            raise NotAnImageError()
        return InspectedImage(
            extension=EXTENSIONS[fmt],
            width=width,
            height=height,
            thumbnail=thumbnail[0],
            thumbnail_extension=thumbnail[1],
        )

    def _thumbnail(self, image: Image.Image) -> tuple[bytes, str]:
        small = ImageOps.exif_transpose(image) or image
        small = small.copy()
        small.thumbnail((self._size, self._size))
        has_alpha = small.mode in {"RGBA", "LA"} or (small.mode == "P" and "transparency" in small.info)
        out = io.BytesIO()
        if has_alpha:
            small.convert("RGBA").save(out, format="PNG", optimize=True)
            return out.getvalue(), "png"
        small.convert("RGB").save(out, format="JPEG", quality=85)
        return out.getvalue(), "jpg"
