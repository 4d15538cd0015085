"""The process's Prometheus metrics (prometheus_client), served at ``/metrics``.

Every series is created here, once per process, so the code that counts (the request edge, the
socket hub, the notifier, the job worker, the batchers) only increments. Hot paths touch one
pre-bound child: a request costs a dictionary lookup, an increment and an observation; a published
event costs one increment however many sockets it reaches.

With ``PROMETHEUS_MULTIPROC_DIR`` set before the process starts (``muster serve --workers N`` sets
it), every process writes its values to files there and each ``/metrics`` answers for all of them:
counters and histograms summed, open sockets summed over live processes, the queue depth the latest.
"""

from __future__ import annotations

from typing import Any, TypeVar

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.metrics import MetricWrapperBase

disable_created_metrics()  # type: ignore[no-untyped-call]  # no ``*_created`` series: half the exposition, and nobody graphs them

M = TypeVar("M", bound=MetricWrapperBase)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 120.0, 300.0, 900.0)
_BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500)

HTTP_REQUESTS = Counter(
    "muster_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "muster_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by method and route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
SOCKETS_OPEN = Gauge(
    "muster_websockets_open",
    "WebSocket connections open now, by route template.",
    ["route"],
    multiprocess_mode="livesum",
)
SOCKETS_OPENED = Counter("muster_websocket_connections", "WebSocket connections made, by route template.", ["route"])
EVENTS_PUBLISHED = Counter("muster_events_published", "Domain events published to live channels, by type.", ["event"])
EVENTS_DELIVERED = Counter("muster_event_deliveries", "Events handed to open sockets (one per socket per event).")
PUBLISH_FAILURES = Counter("muster_publish_failures", "Events that could not be published (their change stands).")
SUBSCRIPTION_FAILURES = Counter("muster_subscription_failures", "Channel subscriptions that could not be opened.")
JOBS_QUEUED = Gauge("muster_jobs_queued", "Background jobs waiting to run (read at scrape).", multiprocess_mode="max")
JOB_DURATION = Histogram(
    "muster_job_duration_seconds",
    "Run time of one job attempt, by kind and outcome.",
    ["kind", "outcome"],
    buckets=_JOB_BUCKETS,
)
JOB_WAIT = Histogram(
    "muster_job_wait_seconds",
    "Time from a job's due time to the start of its run, by kind.",
    ["kind"],
    buckets=_JOB_BUCKETS,
)
BATCH_SIZE = Histogram(
    "muster_batch_size", "Requests served together in one transaction, by kind.", ["kind"], buckets=_BATCH_BUCKETS
)

_children: dict[tuple[int, tuple[str, ...]], Any] = {}


def child(metric: M, *labels: str) -> M:
    """``metric.labels(*labels)``, bound once: prometheus_client takes a lock on every ``labels`` call."""
    key = (id(metric), labels)
    bound = _children.get(key)
    if bound is None:
        bound = _children[key] = metric.labels(*labels)
    return bound


_request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe_request(method: str, route: str, status: int, duration_s: float) -> None:
    """Count one answered request and its duration: one lookup, one increment, one observation."""
    key = (method, route, status)
    bound = _request_children.get(key)
    if bound is None:
        bound = _request_children[key] = (
            child(HTTP_REQUESTS, method, route, str(status)),
            child(HTTP_LATENCY, method, route),
        )
    bound[0].inc()
    bound[1].observe(duration_s)


def socket_opened(route: str) -> None:
    child(SOCKETS_OPENED, route).inc()
    child(SOCKETS_OPEN, route).inc()


def socket_closed(route: str) -> None:
    child(SOCKETS_OPEN, route).dec()


def event_published(event: str) -> None:
    child(EVENTS_PUBLISHED, event).inc()


def batch_served(kind: str, size: int) -> None:
    child(BATCH_SIZE, kind).observe(size)


def job_ran(kind: str, outcome: str, duration_s: float, wait_s: float | None) -> None:
    child(JOB_DURATION, kind, outcome).observe(duration_s)
    if wait_s is not None:
        child(JOB_WAIT, kind).observe(max(0.0, wait_s))
