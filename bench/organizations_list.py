"""``GET /api/organizations/`` with 1,000 and with 100,000 organizations on PostgreSQL.

Usage: ``DATABASE_URL=postgresql://… .venv/bin/python -m bench.organizations_list [--seconds 5]``.
The database is migrated; the benchmark adds organizations titled ``bench-…`` (3 members each, in
bulk with ``generate_series``) and deletes them afterwards. It measures the first page, a deep page
(the last one) and a title search, each with a bare ASGI app's figure from the same run beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import urllib.request

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.adapters.db.engine import async_url
from bench.harness import app_env, bare_server, free_port, muster_server, postgres_url, python_load, run_sql

SIZES = (1_000, 100_000)
MEMBERS = 3

SEED = """
INSERT INTO organizations (title, description, address, postcode, created_at, updated_at)
SELECT 'bench-' || n || CASE WHEN n % 100 = 0 THEN ' rescue' ELSE '' END, 'An organization for the benchmark',
       'Street ' || n, lpad((n % 999999)::text, 6, '0'), now(), now()
FROM generate_series(1, :count) AS n
"""
SEED_MEMBERS = """
INSERT INTO organization_members (organization_id, user_id, created_at, updated_at)
SELECT o.id, u.id, now(), now()
FROM organizations o CROSS JOIN (SELECT id FROM users WHERE email LIKE 'bench-member-%') u
WHERE o.title LIKE 'bench-%' AND NOT EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = o.id)
"""


def _post(url: str, body: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.load(response))


async def _grow_to(url: str, total: int) -> None:
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    async with engine.connect() as connection:
        present = (await connection.execute(text("SELECT count(*) FROM organizations"))).scalar_one()
    await engine.dispose()
    if total > present:
        await run_sql(url, (SEED, {"count": total - present}), (SEED_MEMBERS, {}), ("ANALYZE", {}))


def _cleanup(url: str) -> None:
    asyncio.run(
        run_sql(
            url,
            ("DELETE FROM organizations WHERE title LIKE 'bench-%'", {}),
            ("DELETE FROM users WHERE email LIKE 'bench-%'", {}),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = postgres_url(parser, args.database_url, why="or pass --database-url; the rows it adds are deleted afterwards")

    env = app_env(DATABASE_URL=url, MIGRATE_ON_START="true", LOGIN_RATE_LIMIT="100000", JOBS_IN_PROCESS="false")
    app_port, bare_port = free_port(), free_port()
    rows: list[tuple[str, str, float, float, float]] = []
    try:
        with muster_server(app_port, env):
            base = f"http://127.0.0.1:{app_port}"
            for i in range(MEMBERS):
                _post(
                    f"{base}/api/users/",
                    {"email": f"bench-member-{i}@example.com", "password": "bench-pass", "name": f"M{i}"},
                )
            token = _post(f"{base}/api/token/", {"email": "bench-member-0@example.com", "password": "bench-pass"})
            headers = {"Authorization": f"Bearer {token['access']}"}
            for size in SIZES:
                asyncio.run(_grow_to(url, size))
                for name, path in [
                    ("first page", "/api/organizations/?limit=20"),
                    ("last page", f"/api/organizations/?limit=20&offset={size - 20}"),
                    ("search", "/api/organizations/?search=rescue&limit=20"),
                ]:
                    python_load(app_port, path, headers, connections=args.connections, seconds=1)  # warm-up
                    result = python_load(app_port, path, headers, connections=args.connections, seconds=args.seconds)
                    rows.append((f"{size:,}", name, result.rps, result.percentile(50), result.percentile(99)))
                    assert result.errors == 0, f"{result.errors} errors on {path}"
        with bare_server("bench.bare_me:app", bare_port):
            bare = python_load(bare_port, "/", {}, connections=args.connections, seconds=args.seconds)
    finally:
        _cleanup(url)

    print(f"PostgreSQL, {args.connections} connections, {args.seconds} s each, 20 organizations of {MEMBERS} members")
    for size, name, rps, p50, p99 in [("", "bare ASGI", bare.rps, bare.percentile(50), bare.percentile(99)), *rows]:
        print(f"{size:>8} rows  {name:<11} {rps:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")


if __name__ == "__main__":
    main()
