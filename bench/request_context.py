"""What the request context (request id, access line, request metrics) costs per request.

In process, no network: the ASGI app is called directly for ``GET /health/`` many times, next to a
bare ASGI app answering the same JSON, in four variants: Muster without the request context, with it
and the access line off, with both (the access line written to /dev/null in the JSON format), and the
bare app. Prints microseconds per request and each variant's ratio to the bare app.

    .venv/bin/python -m bench.request_context --requests 20000
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from app.api.access import ObservedLitestar, RequestContext
from app.bootstrap import build_services, create_app
from app.observability.logs import configure_logging
from app.settings import Settings
from bench.harness import BENCH_SECRET

BODY = b'{"status":"ok"}'
SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/health/",
    "raw_path": b"/health/",
    "query_string": b"",
    "root_path": "",
    "headers": [(b"host", b"127.0.0.1"), (b"x-request-id", b"bench-1")],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


async def bare(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": BODY})


async def per_request_us(app: Any, requests: int) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    for _ in range(200):  # warm the caches
        await app(dict(SCOPE), receive, send)
    started = time.perf_counter()
    for _ in range(requests):
        await app(dict(SCOPE), receive, send)
    return (time.perf_counter() - started) / requests * 1e6


async def run(requests: int, rounds: int, sink: TextIO) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(secret_key=BENCH_SECRET, database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'b.db'}")
        app: ObservedLitestar = create_app(settings, services=build_services(settings))
        configure_logging(level="INFO", fmt="json")
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sink)
        variants = {
            "bare ASGI app": (bare, None),
            "Muster, no request context": (app, None),
            "Muster, request id + metrics": (app, RequestContext(access_log=False)),
            "Muster, request id + metrics + access line": (app, RequestContext(access_log=True)),
        }
        best: dict[str, float] = {}
        for _ in range(rounds):
            for name, (target, context) in variants.items():
                if target is app:
                    app.request_context = context
                figure = await per_request_us(target, requests)
                best[name] = min(best.get(name, figure), figure)
    base = best["bare ASGI app"]
    plain = best["Muster, no request context"]
    for name, figure in best.items():
        extra = f"  (+{figure - plain:.1f} µs over no context)" if name.startswith("Muster, request") else ""
        print(f"{name:45s} {figure:7.1f} µs/request  {figure / base:5.1f}x bare{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many rounds per variant")
    args = parser.parse_args()
    with open(os.devnull, "w") as sink:
        asyncio.run(run(args.requests, args.rounds, sink))


if __name__ == "__main__":
    main()
