"""Decoding uploads with Pillow in bounded memory, and re-encoding the copy that is served.

Memory per decode is bounded by the pixel cap, checked on the header before any pixel is decoded:
Pillow holds at most 4 bytes per decoded pixel, and the copy of bounded size is made strip by strip,
so no second full-size image (converted or premultiplied) ever exists. A JPEG is decoded at 1/2,
1/4 or 1/8 scale when that still covers the served size. Decodes run in a thread pool of
``threads`` workers: that is also the number of images decoded at once.
"""

from __future__ import annotations

import asyncio
import io
import math
import warnings
from concurrent.futures import ThreadPoolExecutor

from PIL import ExifTags, Image, UnidentifiedImageError

from app.core.images.model import ImageTooLargeError, InspectedImage, NotAnImageError

FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
STRIP_PIXELS = 1 << 20  # source pixels converted and resampled at a time
_LANCZOS_SUPPORT = 3.0
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PillowImageInspector:
    """Refuses other formats and images over ``max_pixels`` (a third of it for WebP and progressive
    JPEG; from the header, before decoding),
    decodes the rest completely, and re-encodes a copy whose longest side is at most ``max_side``
    (JPEG, or PNG with alpha; no metadata but the colour profile; EXIF orientation applied) and a
    thumbnail that fits a ``thumbnail_size`` square."""

    def __init__(
        self, *, thumbnail_size: int = 320, max_side: int = 2048, max_pixels: int = 16_000_000, threads: int = 1
    ) -> None:
        self._size, self._max_side, self._max_pixels = thumbnail_size, max_side, max_pixels
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="images")

    async def inspect(self, data: bytes) -> InspectedImage:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._inspect, data)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def pixel_limit(self, image: Image.Image) -> int:
        """The cap for an opened (not yet decoded) image: WebP and progressive JPEG decoders hold
        about three times as much memory per pixel as the others, so they get a third of it."""
        hungry = image.format == "WEBP" or bool(image.info.get("progressive"))
        return self._max_pixels // 3 if hungry else self._max_pixels

    def _inspect(self, data: bytes) -> InspectedImage:
        too_large = ImageTooLargeError(
            f"Images are limited to {self._max_pixels} pixels ({self._max_pixels // 3} for WebP and progressive JPEG)."
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own cap is lower
                with Image.open(io.BytesIO(data), formats=FORMATS) as source:
                    if source.width * source.height > self.pixel_limit(source):
                        raise too_large
                    target = fit(source.size, self._max_side)
                    source.draft(None, target)  # JPEG only: decode reduced when that still covers target
                    source.load()  # decode every pixel: a truncated or forged file fails here
                    served = shrink(source, target)
                    orientation = source.getexif().get(ExifTags.Base.Orientation)
                    profile = source.info.get("icc_profile")
        except (ImageTooLargeError, NotAnImageError):
            raise
        except Image.DecompressionBombError as error:
            raise too_large from error
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
            raise NotAnImageError() from error
        if orientation in _ORIENTATION:
            served = served.transpose(_ORIENTATION[orientation])
        thumbnail = served.resize(fit(served.size, self._size), Image.Resampling.LANCZOS, reducing_gap=2.0)
        image, extension = encode(served, profile)
        small, small_extension = encode(thumbnail, profile)
        return InspectedImage(
            image=image,
            extension=extension,
            width=served.width,
            height=served.height,
            thumbnail=small,
            thumbnail_extension=small_extension,
        )


def fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled down (never up) so that its longer side is at most ``side``."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info


def shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` resampled (Lanczos) to ``size`` as RGB or RGBA, converting a strip of about
    ``STRIP_PIXELS`` source pixels at a time: each output strip reads its source rows plus the
    filter's reach, so the result equals one resize of the whole image, without its full-size copies."""
    alpha = has_alpha(image)
    mode = "RGBA" if alpha else "RGB"
    if image.size == size:
        return image.convert(mode)
    out = Image.new(mode, size)
    scale_y = image.height / size[1]
    reach = _LANCZOS_SUPPORT * max(1.0, scale_y) + 1
    step = max(1, int(STRIP_PIXELS / (image.width * scale_y)))
    for top in range(0, size[1], step):
        bottom = min(size[1], top + step)
        first, last = top * scale_y, bottom * scale_y
        rows = max(0, math.floor(first - reach)), min(image.height, math.ceil(last + reach))
        strip = image.crop((0, rows[0], image.width, rows[1])).convert(mode)
        if alpha:
            strip = strip.convert("RGBa")  # premultiplied, so transparent pixels do not bleed colour
        box = (0.0, first - rows[0], float(image.width), last - rows[0])
        piece = strip.resize((size[0], bottom - top), Image.Resampling.LANCZOS, box=box)
        out.paste(piece.convert(mode) if alpha else piece, (0, top))
        del strip, piece
    return out


def encode(image: Image.Image, profile: bytes | None) -> tuple[bytes, str]:
    """PNG when the image has alpha, else JPEG; nothing of the upload's metadata but its colour profile."""
    out = io.BytesIO()
    extra = {"icc_profile": profile} if profile else {}
    if image.mode == "RGBA":
        image.save(out, format="PNG", **extra)
        return out.getvalue(), "png"
    image.save(out, format="JPEG", quality=85, **extra)
    return out.getvalue(), "jpg"
