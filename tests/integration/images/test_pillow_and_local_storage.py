"""Real images (made with Pillow), real files: decoding, thumbnails, storage, serving and upload limits."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from litestar import Litestar, put
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from PIL import Image

from app.adapters.images.pillow import PillowImageInspector
from app.adapters.storage.local import LocalFileStorage
from app.api.errors import EXCEPTION_HANDLERS
from app.api.images import store_uploaded_image
from app.api.schemas.images import ImageOut, ImageUpload
from app.core.images.model import ImageTooLargeError, NotAnImageError
from app.core.images.service import ImageService
from tests.conftest import running_api, settings_for


def image_bytes(fmt: str, size: tuple[int, int] = (800, 600), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
async def inspector() -> AsyncIterator[PillowImageInspector]:
    inspector = PillowImageInspector(thumbnail_size=100, max_pixels=5_000_000)
    yield inspector
    inspector.close()


@pytest.mark.parametrize(
    ("fmt", "mode", "extension", "thumb"), [("JPEG", "RGB", "jpg", "jpg"), ("PNG", "RGBA", "png", "png")]
)
async def test_real_images_decode_and_get_a_bounded_thumbnail(
    inspector: PillowImageInspector, fmt: str, mode: str, extension: str, thumb: str
) -> None:
    inspected = await inspector.inspect(image_bytes(fmt, mode=mode))

    assert (inspected.extension, inspected.width, inspected.height) == (extension, 800, 600)
    assert inspected.thumbnail_extension == thumb
    with Image.open(io.BytesIO(inspected.thumbnail)) as thumbnail:
        assert thumbnail.size == (100, 75)


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
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=uploader), base_url="http://t") as client:
            jpeg = image_bytes("JPEG")
            stored = await client.put("/upload/", files={"image": ("cover.jpg", jpeg, "image/jpeg")})
            text = await client.put("/upload/", files={"image": ("notes.txt", b"hello", "text/plain")})
            big = await client.put("/upload/", files={"image": ("big.png", b"\x89PNG" + b"0" * 60_000, "image/png")})

        assert stored.status_code == 200, stored.text
        assert (text.status_code, text.json()["code"]) == (400, "invalid_image")
        assert (big.status_code, big.json()["code"]) == (413, "image_too_large")

        body = stored.json()
        served = await api.client.get(body["image_url"])
        assert (served.status_code, served.content) == (200, jpeg)
        assert served.headers["content-type"] == "image/jpeg"
        thumbnail = await api.client.get(body["thumbnail_url"])
        with Image.open(io.BytesIO(thumbnail.content)) as small:
            assert max(small.size) == settings.thumbnail_size
        assert (await api.client.get("/media/events/7/missing.jpg")).status_code == 404
