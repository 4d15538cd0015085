"""Real images (made with Pillow), real files: decoding in bounded memory, re-encoded copies,
thumbnails, storage, serving and upload limits."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from litestar import Litestar, put
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from PIL import Image, ImageChops, ImageDraw

from app.adapters.images import pillow
from app.adapters.images.pillow import PillowImageInspector
from app.adapters.storage.local import LocalFileStorage
from app.api.errors import EXCEPTION_HANDLERS
from app.api.images import store_uploaded_image
from app.api.schemas.images import ImageOut, ImageUpload
from app.core.images.model import ImageTooLargeError, NotAnImageError
from app.core.images.service import ImageService
from tests.conftest import running_api, settings_for


def image_bytes(fmt: str, size: tuple[int, int] = (800, 600), mode: str = "RGB", **options: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(out, format=fmt, **options)
    return out.getvalue()


def a_picture(size: tuple[int, int]) -> Image.Image:
    """Gradients, shapes and a transparent border: something resampling can get wrong."""
    gradient = Image.linear_gradient("L").resize(size)
    picture = Image.merge("RGB", [gradient, gradient.transpose(Image.Transpose.ROTATE_180), gradient.rotate(90)])
    draw = ImageDraw.Draw(picture)
    for y in range(0, size[1], 97):
        draw.ellipse((y % (size[0] - 90), y, y % (size[0] - 90) + 90, y + 60), fill=(255, y % 255, 0))
    alpha = Image.new("L", size, 0)
    ImageDraw.Draw(alpha).rectangle((50, 50, size[0] - 50, size[1] - 50), fill=255)
    picture.putalpha(alpha)
    return picture


@pytest.fixture
async def inspector() -> AsyncIterator[PillowImageInspector]:
    inspector = PillowImageInspector(thumbnail_size=100, max_side=400, max_pixels=5_000_000)
    yield inspector
    inspector.close()


@pytest.mark.parametrize(
    ("fmt", "mode", "extension", "thumb"), [("JPEG", "RGB", "jpg", "jpg"), ("PNG", "RGBA", "png", "png")]
)
async def test_real_images_decode_and_get_a_bounded_thumbnail(
    inspector: PillowImageInspector, fmt: str, mode: str, extension: str, thumb: str
) -> None:
    inspected = await inspector.inspect(image_bytes(fmt, mode=mode))

    assert (inspected.extension, inspected.width, inspected.height) == (extension, 400, 300)
    assert inspected.thumbnail_extension == thumb
    with Image.open(io.BytesIO(inspected.image)) as served:
        assert (served.format, served.size) == ({"jpg": "JPEG", "png": "PNG"}[extension], (400, 300))
    with Image.open(io.BytesIO(inspected.thumbnail)) as thumbnail:
        assert thumbnail.size == (100, 75)


async def test_the_served_copy_is_bounded_reencoded_upright_and_without_metadata(
    inspector: PillowImageInspector,
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to show
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {2: (52.0, 13.0, 0.0)}  # a GPS position
    upload = image_bytes("JPEG", size=(1200, 800), exif=exif.tobytes(), comment=b"private note")

    inspected = await inspector.inspect(upload)

    assert (inspected.width, inspected.height) == (267, 400)  # upright, longest side max_side
    assert inspected.image != upload
    with Image.open(io.BytesIO(inspected.image)) as served:
        assert served.size == (267, 400)
        assert not served.getexif() and "comment" not in served.info and "exif" not in served.info


async def test_a_large_jpeg_is_decoded_reduced_and_other_formats_are_not(inspector: PillowImageInspector) -> None:
    with Image.open(io.BytesIO(image_bytes("JPEG", size=(2000, 1600)))) as jpeg:
        jpeg.draft(None, pillow.fit(jpeg.size, 400))
        assert jpeg.size == (500, 400)  # decoded at 1/4 scale
    with Image.open(io.BytesIO(image_bytes("PNG", size=(2000, 1600)))) as png:
        png.draft(None, pillow.fit(png.size, 400))
        assert png.size == (2000, 1600)
    assert (await inspector.inspect(image_bytes("JPEG", size=(2000, 1600)))).width == 400


@pytest.mark.parametrize(("mode", "size"), [("RGBA", (300, 833)), ("RGB", (120, 333)), ("RGBA", (899, 2499))])
def test_shrinking_strip_by_strip_matches_one_resize_of_the_whole_image(
    monkeypatch: pytest.MonkeyPatch, mode: str, size: tuple[int, int]
) -> None:
    picture = a_picture((900, 2500)).convert(mode)
    monkeypatch.setattr(pillow, "STRIP_PIXELS", 50_000)  # dozens of strips

    strips = pillow.shrink(picture, size)

    whole = picture.resize(size, Image.Resampling.LANCZOS)
    assert (strips.mode, strips.size) == (mode, size)
    difference = ImageChops.difference(strips, whole).convert("L")
    off = sum(difference.histogram()[3:])  # pixels more than 2 levels apart
    assert off < 0.002 * size[0] * size[1]


async def test_the_pixel_cap_is_read_from_the_header_before_any_pixel_is_decoded(
    inspector: PillowImageInspector,
) -> None:
    header_only = image_bytes("PNG", size=(3000, 2000))[:100]  # the header, no image data

    with pytest.raises(ImageTooLargeError):
        await inspector.inspect(header_only)
    with pytest.raises(NotAnImageError):  # the same cut under the cap is decoded, and fails as truncated
        await inspector.inspect(image_bytes("PNG", size=(2000, 2000))[:100])


async def test_webp_and_progressive_jpeg_get_a_third_of_the_pixel_cap(inspector: PillowImageInspector) -> None:
    size = (2000, 1000)  # 2,000,000 pixels: under the 5,000,000 cap, over a third of it
    assert (await inspector.inspect(image_bytes("JPEG", size=size))).width == 400
    assert (await inspector.inspect(image_bytes("PNG", size=size))).width == 400
    for upload in (image_bytes("JPEG", size=size, progressive=True), image_bytes("WEBP", size=size)):
        with pytest.raises(ImageTooLargeError):
            await inspector.inspect(upload)
    assert (await inspector.inspect(image_bytes("WEBP", size=(1000, 1000)))).width == 400


MEMORY_PROBE = """
import asyncio, io, resource, sys
from PIL import Image
from app.adapters.images.pillow import PillowImageInspector
data = open(sys.argv[1], "rb").read()
inspector = PillowImageInspector(max_pixels=16_000_000)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
asyncio.run(inspector.inspect(data))
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


@pytest.mark.slow
def test_decoding_the_largest_accepted_image_grows_peak_memory_by_little_more_than_its_pixels(tmp_path: Path) -> None:
    gradient = Image.linear_gradient("L").resize((4000, 4000))
    Image.merge("RGBA", [gradient, gradient.rotate(90), gradient, gradient]).save(tmp_path / "big.png")
    del gradient  # 16,000,000 RGBA pixels are 64 MB decoded; a full-size converted copy would double that

    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(tmp_path / "big.png")], capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 120, f"peak resident memory grew by {result.stdout.strip()} MB"


@pytest.mark.parametrize(
    "data",
    [b"just some text, not an image\n", image_bytes("JPEG")[:200], b"", image_bytes("BMP")],
    ids=["text", "truncated-jpeg", "empty", "bmp"],
)
async def test_anything_that_is_not_a_supported_image_is_refused(inspector: PillowImageInspector, data: bytes) -> None:
    with pytest.raises(NotAnImageError):
        await inspector.inspect(data)


async def test_an_image_with_too_many_pixels_is_refused_as_too_large(inspector: PillowImageInspector) -> None:
    with pytest.raises(ImageTooLargeError):
        await inspector.inspect(image_bytes("PNG", size=(3000, 2000)))


async def test_local_storage_writes_files_and_refuses_keys_outside_its_root(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "media", base_url="/media/")
    await storage.save("events/1/a.png", b"png")
    assert (tmp_path / "media/events/1/a.png").read_bytes() == b"png"
    assert storage.url("events/1/a.png") == "/media/events/1/a.png"
    await storage.delete("events/1/a.png")
    assert not (tmp_path / "media/events/1/a.png").exists()
    with pytest.raises(ValueError, match="leaves"):
        await storage.save("../escape.png", b"x")


@put("/upload/", status_code=200)
async def upload(
    data: Annotated[ImageUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    images: NamedDependency[ImageService],
) -> ImageOut:
    return ImageOut.of(await store_uploaded_image(data, images, prefix="events/7"))


async def test_uploads_are_stored_served_and_refused_with_codes(tmp_path: Path, sqlite_url: str) -> None:
    settings = settings_for(sqlite_url, media_root=str(tmp_path / "media"), image_max_bytes=50_000)
    async with running_api(settings) as api:
        services = api.client._transport.app.state["services"]  # type: ignore[attr-defined]
        uploader = Litestar(
            [upload],
            dependencies={"images": Provide(lambda: services.images, sync_to_thread=False)},
            exception_handlers=EXCEPTION_HANDLERS,
        )
        transport = httpx.ASGITransport(app=uploader)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            jpeg = image_bytes("JPEG")
            stored = await client.put("/upload/", files={"image": ("cover.jpg", jpeg, "image/jpeg")})
            text = await client.put("/upload/", files={"image": ("notes.txt", b"hello", "text/plain")})
            big = await client.put("/upload/", files={"image": ("big.png", b"\x89PNG" + b"0" * 60_000, "image/png")})

        assert stored.status_code == 200, stored.text
        assert (text.status_code, text.json()["code"]) == (400, "invalid_image")
        assert (big.status_code, big.json()["code"]) == (413, "image_too_large")

        body = stored.json()
        served = await api.client.get(body["image_url"])
        assert served.status_code == 200 and served.content != jpeg
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["x-content-type-options"] == "nosniff"
        thumbnail = await api.client.get(body["thumbnail_url"])
        with Image.open(io.BytesIO(thumbnail.content)) as small:
            assert max(small.size) == settings.thumbnail_size
        assert (await api.client.get("/media/events/7/missing.jpg")).status_code == 404
