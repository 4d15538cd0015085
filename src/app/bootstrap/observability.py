"""What the app tells its operators, wired: the request context (request ids, access lines, request
and socket metrics), ``/metrics`` with its refreshers, batch sizes, and Sentry when configured."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from litestar.handlers import HTTPRouteHandler

from app.api.access import ObservedLitestar, RequestContext
from app.api.edge import Edge
from app.api.metrics import metrics_route
from app.bootstrap.container import Services
from app.core.shared import batching
from app.core.shared.errors import DomainError, UnavailableError
from app.observability import metrics, muster_version
from app.settings import Settings

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

logger = logging.getLogger("app")


def observe(app: ObservedLitestar, settings: Settings) -> ObservedLitestar:
    """Serve every connection of ``app`` with the edge's rules, a request id, an access line and its
    metrics."""
    edge = Edge(trusted=settings.trusted_proxies, allowed_hosts=settings.allowed_hosts)
    app.request_context = RequestContext(access_log=settings.access_log, edge=edge)
    batching.observe_batches(metrics.batch_served)
    return app


def metrics_routes(settings: Settings, services: Services) -> list[HTTPRouteHandler]:
    """``/metrics`` (unless ``METRICS_ENABLED=false``), reading the job queue's depth at each scrape."""
    if not settings.metrics_enabled:
        return []

    async def queue_depth() -> None:
        try:
            metrics.JOBS_QUEUED.set(await services.job_records.queued_count())
        except Exception as error:  # an unreachable database must not cost the other series
            logger.warning("metrics: could not count queued jobs: %s", error)

    return [metrics_route(token=settings.metrics_token, refreshers=[queue_depth])]


def init_sentry(settings: Settings) -> None:
    """Report errors, and transactions slower than ``SENTRY_SLOW_TRANSACTION_MS``, to Sentry.

    Must run before the Litestar app is made: the integration hooks into ``Litestar.__init__``.
    Refusals (every ``DomainError`` but ``UnavailableError``) are answers, not errors, and are not sent.
    """
    if not settings.sentry_dsn:
        return
    try:
        import sentry_sdk
        from sentry_sdk.integrations.litestar import LitestarIntegration
        from sentry_sdk.integrations.logging import ignore_logger
    except ImportError:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed: pip install 'muster[sentry]'.")
        return
    slow_s = settings.sentry_slow_transaction_ms / 1000

    def before_send(event: Event, hint: Hint) -> Event | None:
        error = hint.get("exc_info", (None, None, None))[1]
        if isinstance(error, DomainError) and not isinstance(error, UnavailableError):
            return None
        return event

    def before_send_transaction(event: Event, _: Hint) -> Event | None:
        started, ended = event.get("start_timestamp"), event.get("timestamp")
        if slow_s > 0 and started and ended and _seconds(ended) - _seconds(started) < slow_s:
            return None
        return event

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.sentry_environment,
        release=f"muster@{muster_version()}",
        integrations=[LitestarIntegration()],
        traces_sample_rate=settings.sentry_traces_sample_rate,
        before_send=before_send,
        before_send_transaction=before_send_transaction,
        send_default_pii=False,
    )
    ignore_logger("app.api")  # its 500 line repeats the error the integration already reports


def _seconds(timestamp: Any) -> float:
    """A Sentry event timestamp (a datetime, an ISO string or epoch seconds) as epoch seconds."""
    if isinstance(timestamp, int | float):
        return float(timestamp)
    if isinstance(timestamp, str):
        from datetime import datetime

        return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()
    return float(timestamp.timestamp())
