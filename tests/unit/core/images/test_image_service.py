"""Storing images through fakes of the inspector and the storage."""

from __future__ import annotations

import pytest

from app.core.images.model import ImageTooLargeError, NotAnImageError
from app.core.images.service import ImageService
from tests.fakes import FakeImageInspector, InMemoryFileStorage


def a_service(max_bytes: int = 100) -> tuple[ImageService, FakeImageInspector, InMemoryFileStorage]:
    inspector, storage = FakeImageInspector(), InMemoryFileStorage()
    return ImageService(inspector=inspector, storage=storage, max_bytes=max_bytes), inspector, storage


async def test_store_saves_the_reencoded_copy_and_its_thumbnail_under_the_prefix_never_the_upload() -> None:
    images, _, storage = a_service()

    stored = await images.store(b"IMG-bytes", prefix="events/12")

    assert stored.image_url.startswith("/media/events/12/") and stored.image_url.endswith(".png")
    assert stored.thumbnail_url.endswith("_thumb.jpg")
    assert (stored.width, stored.height) == (640, 480)
    assert sorted(storage.files.values()) == [b"COPYIMG-bytes", b"THUMB"]


async def test_each_upload_gets_fresh_names() -> None:
    images, _, storage = a_service()
    first = await images.store(b"IMG-1", prefix="events/1")
    second = await images.store(b"IMG-2", prefix="events/1")
    assert first.image_url != second.image_url
    assert len(storage.files) == 4


async def test_an_oversize_upload_is_refused_before_decoding() -> None:
    images, inspector, storage = a_service(max_bytes=10)
    with pytest.raises(ImageTooLargeError):
        await images.store(b"IMG" + b"x" * 8, prefix="events/1")
    assert (inspector.inspected, storage.files) == (0, {})


async def test_a_non_image_is_refused_and_nothing_is_stored() -> None:
    images, _, storage = a_service()
    with pytest.raises(NotAnImageError):
        await images.store(b"hello, world", prefix="events/1")
    assert storage.files == {}


async def test_a_prefix_that_could_escape_the_storage_is_a_programming_error() -> None:
    images, _, _ = a_service()
    with pytest.raises(ValueError, match="prefix"):
        await images.store(b"IMG", prefix="../etc")


async def test_discard_deletes_only_files_this_storage_made() -> None:
    images, _, storage = a_service()
    kept = await images.store(b"IMG-kept", prefix="events/1")
    gone = await images.store(b"IMG-gone", prefix="events/1")

    await images.discard(gone.image_url, gone.thumbnail_url, None, "https://elsewhere.example/x.png", "/media/")
    await images.discard(gone.image_url)  # already gone: no error

    assert sorted(storage.files) == sorted(url.removeprefix("/media/") for url in (kept.image_url, kept.thumbnail_url))
