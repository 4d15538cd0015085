"""Peak growth of the server's resident memory while four of the largest accepted images are uploaded at once.

Usage: ``.venv/bin/python -m bench.image_upload_memory [--side 4000]``.
The image is a 4000 x 4000 RGBA PNG (16,000,000 pixels: IMAGE_MAX_PIXELS, the most a PNG may have,
and 4 bytes per pixel, the most Pillow holds), small on the wire. The same four uploads go to a
bare ASGI app that reads them and answers, measured the same way. Target: growth under 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import httpx
from PIL import Image

from bench.harness import bare_server, free_port, muster_server, seeding_env

TARGET_MB = 150.0


def largest_image(side: int) -> bytes:
    gradient = Image.linear_gradient("L").resize((side, side))
    out = io.BytesIO()
    Image.merge(
        "RGBA", [gradient, gradient.rotate(90), gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM), gradient]
    ).save(out, format="PNG")
    return out.getvalue()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """Samples a process's resident memory every 5 ms in a thread, keeping the peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self.baseline = rss_mb(pid)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.005)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb(self.pid))

    @property
    def growth(self) -> float:
        return self.peak - self.baseline


def _post(url: str, body: dict[str, object], token: str | None = None) -> dict[str, object]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    with urllib.request.urlopen(urllib.request.Request(url, json.dumps(body).encode(), headers), timeout=10) as r:
        return dict(json.load(r))


async def upload_four(url: str, image: bytes, headers: dict[str, str]) -> list[int]:
    async with httpx.AsyncClient(timeout=120) as client:
        responses = await asyncio.gather(
            *(client.put(url, files={"image": ("big.png", image, "image/png")}, headers=headers) for _ in range(4))
        )
    return [response.status_code for response in responses]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--side", type=int, default=4000)
    args = parser.parse_args()
    image = largest_image(args.side)

    with tempfile.TemporaryDirectory() as tmp:
        env = seeding_env(f"sqlite+aiosqlite:///{tmp}/bench.db", MEDIA_ROOT=f"{tmp}/media", EVENT_CREATE_DELAY_S="0")
        port, bare_port = free_port(), free_port()
        with muster_server(port, env) as process:
            base = f"http://127.0.0.1:{port}"
            _create_admin(env, "bench@example.com")
            token = str(
                _post(f"{base}/api/token/", {"email": "bench@example.com", "password": "bench-password"})["access"]
            )
            event = _post(
                f"{base}/api/events/", {"title": "Bench", "starts_at": "2099-01-01T10:00:00Z", "capacity": 5}, token
            )
            url, headers = f"{base}/api/events/{event['id']}/image/", {"Authorization": f"Bearer {token}"}
            small = largest_image(64)
            asyncio.run(upload_four(url, small, headers))  # warm-up: imports, pools, first allocations
            with PeakRss(process.pid) as muster:
                started = time.perf_counter()
                statuses = asyncio.run(upload_four(url, image, headers))
                seconds = time.perf_counter() - started
        with bare_server("bench.bare_upload:app", bare_port) as bare_process:
            asyncio.run(upload_four(f"http://127.0.0.1:{bare_port}/", small, {}))
            with PeakRss(bare_process.pid) as bare:
                bare_statuses = asyncio.run(upload_four(f"http://127.0.0.1:{bare_port}/", image, {}))

    print(f"image: {args.side} x {args.side} RGBA PNG, {len(image) / 1024:.0f} KB on the wire, 4 uploads at once")
    print(f"bare ASGI  : statuses {bare_statuses}, peak RSS growth {bare.growth:6.1f} MB")
    print(
        f"muster     : statuses {statuses}, peak RSS growth {muster.growth:6.1f} MB"
        f" (from {muster.baseline:.0f} MB), {seconds:.2f} s"
    )
    verdict = "OK" if muster.growth < TARGET_MB and statuses == [200] * 4 else "ABOVE TARGET"
    print(f"target     : growth < {TARGET_MB:.0f} MB: {verdict}")


def _create_admin(env: dict[str, str], email: str) -> None:
    """An admin account (who may create events), made as ``python -m app createsuperuser`` does."""
    import os

    from app.bootstrap import build_services
    from app.settings import Settings

    async def run() -> None:
        services = build_services(Settings.from_env({**os.environ, **env}, env_file=None))
        try:
            user = await services.user_admin.create_superuser(email=email, password="bench-password", name="B")
            assert user.id
        finally:
            await services.aclose()

    asyncio.run(run())


if __name__ == "__main__":
    main()
