"""Authenticated ``GET /api/users/me/`` and the public ``GET /api/events/?limit=20`` (200 published
events) per second on one uvicorn process, next to a bare ASGI app measured in the same run.

Usage: ``.venv/bin/python -m bench.me_throughput [--seconds 10] [--connections 50] [--rounds 1]``.
Uses DATABASE_URL when set (e.g. PostgreSQL), else a fresh SQLite file. With ``--rounds N`` the
three measurements alternate N times and the medians (min-max) are printed.
Targets (access log off): /me >= 0.4 of bare, the event page >= 0.15 of bare. A Litestar app with
one plain handler (``bench.bare_litestar``) is measured in the same rounds: the framework's floor;
and the same handler taking two dependencies that do nothing, as every authenticated handler does;
and Muster's ``GET /health/`` (the app's request context around a handler with nothing to do).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import urllib.request

from bench.harness import app_env, bare_server, free_port, load, muster_server, run_sql

TARGETS = {"me": 0.4, "events": 0.15}
EVENTS = 200
SEED_EVENTS = """
INSERT INTO events (owner_id, title, title_folded, description, starts_at, location, capacity,
                    requires_approval, status, created_at, updated_at)
VALUES (:owner, :title, :folded, 'An event for the benchmark', :starts_at, 'Hall', 50, false, 'published',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
"""


def _post(url: str, body: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.load(response))


def _seed_events(database_url: str, owner: int) -> None:
    import asyncio

    rows = [
        (
            SEED_EVENTS,
            {
                "owner": owner,
                "title": f"Bench event {n}",
                "folded": f"bench event {n}",
                "starts_at": f"2030-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00:00.000000+00:00",
            },
        )
        for n in range(EVENTS)
    ]
    asyncio.run(run_sql(database_url, *rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    names = ("bare", "litestar", "litestar_di", "health", "me", "events")
    figures: dict[str, list[float]] = {name: [] for name in names}
    errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        env = app_env(DATABASE_URL=database_url, MIGRATE_ON_START="true", LOGIN_RATE_LIMIT="100000")
        app_port, bare_port = free_port(), free_port()
        email = f"bench-{app_port}@example.com"
        with muster_server(app_port, env):
            base = f"http://127.0.0.1:{app_port}"
            _post(f"{base}/api/users/", {"email": email, "password": "bench-password", "name": "Bench"})
            token = _post(f"{base}/api/token/", {"email": email, "password": "bench-password"})["access"]
            headers = {"Authorization": f"Bearer {token}"}
            with urllib.request.urlopen(urllib.request.Request(f"{base}/api/users/me/", headers=headers)) as me:
                _seed_events(database_url, json.load(me)["id"])
        paths = {
            "health": ("/health/", {}),  # Muster's app around a handler with nothing to do
            "me": ("/api/users/me/", headers),
            "events": ("/api/events/?limit=20", {}),
        }
        for _ in range(args.rounds):
            with muster_server(app_port, env):
                for name, (path, sent) in paths.items():
                    load(app_port, path, sent, connections=args.connections, seconds=2)  # warm-up
                    result = load(app_port, path, sent, connections=args.connections, seconds=args.seconds)
                    figures[name].append(result.rps)
                    errors += result.errors
            for name, module in (
                ("bare", "bench.bare_me:app"),
                ("litestar", "bench.bare_litestar:app"),
                ("litestar_di", "bench.bare_litestar:app_with_dependencies"),
            ):
                with bare_server(module, bare_port):
                    load(bare_port, "/", headers, connections=args.connections, seconds=2)
                    figures[name].append(
                        load(bare_port, "/", headers, connections=args.connections, seconds=args.seconds).rps
                    )

    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):9.0f} req/s  ({min(values):.0f}-{max(values):.0f})"

    print(
        f"database: {database_url.split('://')[0]}, {args.connections} connections, {args.seconds} s each, "
        f"{args.rounds} round(s), errors {errors}"
    )
    print(f"bare ASGI                 : {spread(figures['bare'])}")
    floors = (
        ("litestar", "Litestar, one handler"),
        ("litestar_di", "  with two dependencies"),
        ("health", "Muster, GET /health/"),
    )
    for name, label in floors:
        floor = [f / b for f, b in zip(figures[name], figures["bare"], strict=True) if b]
        print(f"{label:<26}: {spread(figures[name])}  ratio {statistics.median(floor):.3f} (its floor)")
    for name, label in (("me", "GET /api/users/me/"), ("events", "GET /api/events/?limit=20")):
        ratios = [m / b for m, b in zip(figures[name], figures["bare"], strict=True) if b]
        ratio = statistics.median(ratios) if ratios else 0.0
        verdict = "OK" if ratio >= TARGETS[name] else "BELOW TARGET"
        print(
            f"{label:<26}: {spread(figures[name])}  ratio {ratio:.3f} ({min(ratios):.3f}-{max(ratios):.3f}) "
            f"target >= {TARGETS[name]} {verdict}"
        )


if __name__ == "__main__":
    main()
