"""Run by ``test_sentry.py`` in a process of its own (the Sentry SDK patches Litestar globally): the
app with ``SENTRY_DSN`` set and a transport that keeps envelopes instead of sending them; prints what
would have reached Sentry as JSON."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import sentry_sdk
from litestar import get
from litestar.testing import TestClient
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from app.bootstrap import create_app
from app.settings import Settings


class KeepingTransport(Transport):
    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@get("/probe/boom/", sync_to_thread=False)
def boom() -> None:
    raise RuntimeError("the probe broke")


@get("/probe/slow/")
async def slow() -> dict[str, str]:
    await asyncio.sleep(0.3)
    return {"status": "slow"}


def main() -> None:
    app = create_app(Settings.from_env(env_file=None))
    app.register(boom)
    app.register(slow)
    transport = KeepingTransport(sentry_sdk.get_client().options)
    sentry_sdk.get_client().transport = transport
    with TestClient(app) as client:
        statuses = [
            client.get(path).status_code for path in ("/probe/boom/", "/probe/slow/", "/health/", "/api/events/424242/")
        ]
    sentry_sdk.flush()
    report: dict[str, Any] = {"statuses": statuses, "errors": [], "transactions": []}
    for envelope in transport.envelopes:
        for item in envelope.items:
            payload = item.payload.json or {}
            if item.headers.get("type") == "event":
                values = payload.get("exception", {}).get("values", [])
                report["errors"].append([(v.get("type"), v.get("value")) for v in values])
                report["release"] = payload.get("release")
            elif item.headers.get("type") == "transaction":
                report["transactions"].append(payload.get("transaction"))
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
