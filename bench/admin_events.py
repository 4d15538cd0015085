"""The admin panel's events list with 1,000 and with 100,000 events on PostgreSQL: time to the first page.

Usage: ``DATABASE_URL=postgresql://… .venv/bin/python -m bench.admin_events [--rounds 15]``.
The database is migrated; the benchmark adds an admin and 100,000 events titled ``bench-…`` (in
bulk with ``generate_series``), logs in to the panel as a browser would (login form, CSRF token,
session cookie), and times ``GET /admin/events/list`` one request at a time: the first page, and the
first page filtered by status and date range. A bare ASGI app's answer time from the same run is
printed beside it. Everything it added is deleted afterwards. Targets: median under 200 ms, and
the unfiltered first page at 100,000 events within 1.3x of the one at 1,000 (the list counts at most
1,000 rows past the page shown).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time

import httpx

from bench.harness import ROOT, bare_server, free_port, muster_server, postgres_url, run_sql, seeding_env

SIZES = (1_000, 100_000)
TARGET_MS = 200.0
TARGET_RATIO = 1.3
ADMIN, PASSWORD = "bench-admin@example.com", "bench-pass-123"
SEED = """
INSERT INTO events (owner_id, title, title_folded, description, starts_at, location, capacity, requires_approval,
                    status, thumbnail_url, created_at, updated_at)
SELECT u.id, 'bench-' || n, 'bench-' || n, 'An event for the benchmark', now() + (n % 365) * interval '1 day',
       'Hall ' || (n % 50), 10 + n % 90, n % 7 = 0,
       CASE n % 3 WHEN 0 THEN 'draft' WHEN 1 THEN 'published' ELSE 'cancelled' END,
       '/media/bench/' || n || '.jpg', now(), now()
FROM generate_series(1, :count) AS n CROSS JOIN (SELECT id FROM users WHERE email = :admin) u
"""


def _cleanup(url: str) -> None:
    events = ("DELETE FROM events WHERE title LIKE 'bench-%'", {})
    asyncio.run(run_sql(url, events, ("DELETE FROM users WHERE email = :a", {"a": ADMIN})))


def _create_admin(env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "app", "createsuperuser", "--email", ADMIN, "--name", "Bench"]
    command += ["--password", PASSWORD]
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, stdin=subprocess.DEVNULL)


def _timed(client: httpx.Client, path: str, rounds: int, expect: str) -> list[float]:
    for _ in range(3):  # warm-up: connections, template compilation, caches
        client.get(path)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, path)
        assert expect in response.text, path
    return times


def _log_in(client: httpx.Client) -> None:
    page = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    done = client.post("/admin/login", data={"email": ADMIN, "password": PASSWORD, "csrf_token": token.group(1)})
    assert done.status_code == 302, done.text


def _pages() -> dict[str, str]:
    soon = time.strftime("%Y-%m-%d")
    later = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))
    return {
        "first page": "/admin/events/list",
        "status + dates": f"/admin/events/list?status=published&date_from={soon}&date_to={later}",
        "title search": "/admin/events/list?search=bench-999",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = postgres_url(parser, args.database_url, why="or pass --database-url; the rows it adds are deleted afterwards")

    env = seeding_env(url, JOBS_IN_PROCESS="false")
    app_port, bare_port = free_port(), free_port()
    results: dict[str, list[float]] = {}
    try:
        with muster_server(app_port, env):
            _create_admin(env)
            with httpx.Client(base_url=f"http://127.0.0.1:{app_port}", timeout=30) as client:
                _log_in(client)
                seeded = 0
                for size in SIZES:
                    grow = (SEED, {"count": size - seeded, "admin": ADMIN})
                    asyncio.run(run_sql(url, grow, ("ANALYZE events", {})))
                    seeded = size
                    for name, path in _pages().items():
                        results[f"{size:,} {name}"] = _timed(client, path, args.rounds, "bench-")
        bare_url = f"http://127.0.0.1:{bare_port}"
        with bare_server("bench.bare_me:app", bare_port), httpx.Client(base_url=bare_url) as bare:
            results["bare ASGI"] = _timed(bare, "/", args.rounds, "bench")
    finally:
        _cleanup(url)

    sizes = " and ".join(f"{n:,}" for n in SIZES)
    print(f"PostgreSQL, {sizes} events, one request at a time, {args.rounds} rounds each", end="")
    print(f" (target {TARGET_MS:.0f} ms)")
    for name in ["bare ASGI", *[n for n in results if n != "bare ASGI"]]:
        values = results[name]
        median = statistics.median(values)
        verdict = "" if name == "bare ASGI" else ("  ok" if median < TARGET_MS else "  OVER TARGET")
        print(f"  {name:<22} median {median:7.1f} ms  min {min(values):7.1f} ms  max {max(values):7.1f} ms{verdict}")

    small, large = (statistics.median(results[f"{n:,} first page"]) for n in SIZES)
    verdict = "ok" if large <= TARGET_RATIO * small else "OVER TARGET"
    print(f"  first page {SIZES[-1]:,} / {SIZES[0]:,}: {large / small:.2f}x (target <= {TARGET_RATIO}x) {verdict}")


if __name__ == "__main__":
    main()
