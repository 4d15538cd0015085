"""Files in a local directory (``MEDIA_ROOT``), served by the app under ``MEDIA_URL``."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path


class LocalFileStorage:
    """Writes atomically (temporary file, then rename) off the event loop; keys are relative paths."""

    def __init__(self, root: str | Path, *, base_url: str = "/media") -> None:
        self._root = Path(root).resolve()
        self._base_url = base_url.rstrip("/")

    def path(self, key: str) -> Path:
        """The file of ``key``; refuses keys that would leave the root."""
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root) or path == self._root:
            raise ValueError(f"storage key {key!r} leaves the media root")
        return path

    async def save(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.path(key), data)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path(key).unlink, True)

    def url(self, key: str) -> str:
        return f"{self._base_url}/{key}"

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
