"""Authenticated ``GET /api/users/me/`` per second on one uvicorn process, next to a bare ASGI app.

Usage: ``.venv/bin/python -m bench.me_throughput [--seconds 10] [--connections 50]``.
Uses DATABASE_URL when set (e.g. PostgreSQL), else a fresh SQLite file. Target: ratio >= 0.35.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import urllib.request

from bench.harness import app_env, bare_server, free_port, load, muster_server

TARGET = 0.35


def _post(url: str, body: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.load(response))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        env = app_env(DATABASE_URL=database_url, MIGRATE_ON_START="true", LOGIN_RATE_LIMIT="100000")
        app_port, bare_port = free_port(), free_port()
        with muster_server(app_port, env):
            base = f"http://127.0.0.1:{app_port}"
            email = f"bench-{app_port}@example.com"
            _post(f"{base}/api/users/", {"email": email, "password": "bench-password", "name": "Bench"})
            token = _post(f"{base}/api/token/", {"email": email, "password": "bench-password"})["access"]
            headers = {"Authorization": f"Bearer {token}"}
            load(app_port, "/api/users/me/", headers, connections=args.connections, seconds=2)  # warm-up
            muster = load(app_port, "/api/users/me/", headers, connections=args.connections, seconds=args.seconds)
        with bare_server("bench.bare_me:app", bare_port):
            load(bare_port, "/", headers, connections=args.connections, seconds=2)
            bare = load(bare_port, "/", headers, connections=args.connections, seconds=args.seconds)

    ratio = muster.rps / bare.rps if bare.rps else 0.0
    print(f"database: {database_url.split('://')[0]}, {args.connections} connections, {args.seconds} s each")
    print(f"bare ASGI        : {bare.rps:9.0f} req/s  errors {bare.errors}")
    print(f"GET /api/users/me: {muster.rps:9.0f} req/s  errors {muster.errors}")
    print(f"ratio            : {ratio:.2f}  (target >= {TARGET}) {'OK' if ratio >= TARGET else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
