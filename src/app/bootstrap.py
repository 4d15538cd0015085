"""The composition root: the one place that knows every concrete class and wires them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, RedocRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.health import SqlReadinessProbe
from app.adapters.db.uow import SqlUnitOfWorkFactory
from app.adapters.images.pillow import PillowImageInspector
from app.adapters.jobs.saq_queue import SaqJobQueue
from app.adapters.jobs.sql import SqlJobQueue
from app.adapters.jobs.worker import JobWorker
from app.adapters.mail.console import LoggingMailer
from app.adapters.mail.queued import SEND_MAIL_JOB, QueuedMailer, send_mail_handler
from app.adapters.mail.smtp import SmtpMailer
from app.adapters.memory.fallback import FallbackRateLimiter
from app.adapters.memory.presence import MemoryPresenceTracker
from app.adapters.memory.rate_limit import MemoryRateLimiter
from app.adapters.memory.user_cache import MemoryUserCache
from app.adapters.outage import Outage
from app.adapters.realtime.channels_notifier import ChannelsNotifier
from app.adapters.realtime.health import ChannelsReadinessProbe
from app.adapters.realtime.history import MemoryEventHistory, RedisEventHistory
from app.adapters.realtime.redis_pubsub import SupervisedRedisPubSubBackend
from app.adapters.redis.client import create_redis
from app.adapters.redis.health import RedisReadinessProbe
from app.adapters.redis.presence import RedisPresenceTracker
from app.adapters.redis.rate_limit import RedisRateLimiter
from app.adapters.redis.user_cache import RedisUserCache
from app.adapters.security.argon2_hasher import Argon2PasswordHasher
from app.adapters.security.hmac_tickets import HmacTicketSigner
from app.adapters.security.jwt_tokens import JwtTokenSigner
from app.adapters.storage.local import LocalFileStorage
from app.adapters.system_clock import SystemClock
from app.adapters.tickets.pdf import FpdfTicketRenderer
from app.api import accounts as accounts_api
from app.api import chat as chat_api
from app.api import checkin as checkin_api
from app.api import event_images as event_images_api
from app.api import events as events_api
from app.api import expeditions as expeditions_api
from app.api import health as health_api
from app.api import jobs as jobs_api
from app.api import organizations as organizations_api
from app.api import organizer as organizer_api
from app.api import reservations as reservations_api
from app.api import web as web_api
from app.api.auth import provide_optional_principal, provide_principal
from app.api.bounds import BoundedRequest, PathIdBounds
from app.api.errors import EXCEPTION_HANDLERS
from app.api.hosts import AllowedHosts
from app.api.limits import rate_limit_guard
from app.api.proxies import TrustedProxies
from app.api.security_headers import add_nosniff
from app.core.accounts.service import AccountPolicy, AccountsService
from app.core.chat.service import ChatService
from app.core.event_directory.service import CREATE_EVENT_JOB, EventDirectoryService
from app.core.expeditions.service import ExpeditionService
from app.core.images.service import ImageService
from app.core.jobs.service import JobsService
from app.core.limits import Action, Budget, Limit, RequestLimits
from app.core.organizations.service import CREATE_ORGANIZATION_JOB, OrganizationsService
from app.core.ticketing.service import TicketingService
from app.ports.clock import Clock
from app.ports.health import ReadinessProbe
from app.ports.history import EventHistory
from app.ports.jobs import JobHandler, JobQueue
from app.ports.mailer import Mailer
from app.ports.notifier import Notifier
from app.ports.rate_limit import RateLimiter
from app.settings import Settings
from app.ws import chat as chat_ws
from app.ws import event_metrics as event_metrics_ws
from app.ws import expeditions as expeditions_ws
from app.ws import ticketing as ticketing_ws
from app.ws.channels import SYSTEM_CHANNEL
from app.ws.frames import EventWire
from app.ws.hub import ChannelHub

logger = logging.getLogger("app")
T = TypeVar("T")


@dataclass(slots=True)
class Services:
    """Every app-scoped service, built once per app."""

    settings: Settings
    engine: AsyncEngine
    redis: Redis | None
    channels: ChannelsPlugin
    history: EventHistory
    notifier: Notifier
    mailer: Mailer
    clock: Clock
    probes: list[ReadinessProbe]
    job_queue: JobQueue  # what services enqueue on
    job_records: SqlJobQueue  # the jobs table: every job's record, and the embedded queue
    job_handlers: dict[str, JobHandler]  # job kind → handler, for every worker
    job_worker: JobWorker
    limits: RequestLimits
    accounts: AccountsService
    expeditions: ExpeditionService
    ticketing: TicketingService
    organizations: OrganizationsService
    jobs: JobsService
    images: ImageService
    chat: ChatService
    event_directory: EventDirectoryService
    closers: list[Callable[[], Any]] = field(default_factory=list)
    # Loops that run while the app is up (started and cancelled by the lifespan).
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)


def build_services(settings: Settings, *, clock: Clock | None = None, mailer: Mailer | None = None) -> Services:
    """Build adapters and services for ``settings``; tests may hand in a clock or a mailer."""
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    sessions = create_session_factory(engine)
    uow = SqlUnitOfWorkFactory(sessions)
    redis = create_redis(settings.redis_url) if settings.redis_url else None

    job_records = SqlJobQueue(sessions, clock, max_attempts=settings.job_max_attempts)
    job_queue = _job_queue(settings, job_records)
    job_handlers: dict[str, JobHandler] = {}
    job_worker = JobWorker(
        job_records,
        job_handlers,
        clock,
        concurrency=settings.jobs_concurrency,
        poll_interval_s=settings.job_poll_interval_s,
        timeout_s=settings.job_timeout_s,
        retry_base_s=settings.job_retry_base_s,
        retention_s=settings.job_retention_days * 24 * 3600,
        stale_after_s=settings.job_heartbeat_stale_s,
    )
    if settings.runs_jobs_in_process:
        job_records.on_enqueue(job_worker.wake)

    backend = SupervisedRedisPubSubBackend(redis) if redis else MemoryChannelsBackend(history=0)
    # A fixed channel makes the plugin open its subscription at startup, before any socket races for it.
    channels = ChannelsPlugin(backend=backend, channels=[SYSTEM_CHANNEL], arbitrary_channels_allowed=True)
    history: EventHistory = (
        RedisEventHistory(redis, size=settings.event_history_size)
        if redis
        else MemoryEventHistory(size=settings.event_history_size)
    )
    # Every context's frames, channels and history streams, assembled here into one table.
    wire = EventWire(chat_ws.OUTBOUNDS, expeditions_ws.OUTBOUNDS, ticketing_ws.OUTBOUNDS)
    notifier = ChannelsNotifier(channels, route=wire.route, history=history)
    mailer = mailer or _queued_mailer(settings, job_queue, job_handlers) or LoggingMailer()
    hasher = Argon2PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_kib=settings.password_hash_memory_kib,
        parallelism=settings.password_hash_parallelism,
    )
    rate_limiter = FallbackRateLimiter(RedisRateLimiter(redis), MemoryRateLimiter()) if redis else MemoryRateLimiter()
    limits = request_limits(settings, rate_limiter)
    accounts = AccountsService(
        uow=uow,
        hasher=hasher,
        signer=JwtTokenSigner(settings.secret_key),
        mailer=mailer,
        clock=clock,
        limits=limits,
        cache=RedisUserCache(redis) if redis else MemoryUserCache(),
        policy=AccountPolicy(
            require_activation=settings.require_email_activation,
            access_ttl=timedelta(seconds=settings.access_token_ttl_s),
            refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_s),
            activation_url=settings.public_base_url.rstrip("/") + "/api/users/activate/{token}/",
        ),
    )
    renderer = FpdfTicketRenderer(workers=settings.ticket_render_workers)
    ticketing = TicketingService(
        uow=uow,
        notifier=notifier,
        mailer=mailer,
        clock=clock,
        signer=HmacTicketSigner(settings.secret_key),
        renderer=renderer,
    )
    organizations = OrganizationsService(uow=uow, clock=clock, jobs=job_queue)
    job_handlers[CREATE_ORGANIZATION_JOB] = organizations.run_creation_job
    inspector = PillowImageInspector(
        thumbnail_size=settings.thumbnail_size,
        max_side=settings.image_max_side,
        max_pixels=settings.image_max_pixels,
        threads=settings.image_decode_threads,
    )
    images = ImageService(
        inspector=inspector,
        storage=LocalFileStorage(settings.media_root, base_url=settings.media_url),
        max_bytes=settings.image_max_bytes,
    )
    presence = (
        RedisPresenceTracker(redis, ttl_s=settings.presence_ttl_s)
        if redis
        else MemoryPresenceTracker(ttl_s=settings.presence_ttl_s)
    )
    chat = ChatService(uow=uow, notifier=notifier, clock=clock, hasher=hasher, presence=presence)
    event_directory = EventDirectoryService(
        uow=uow, ticketing=ticketing, jobs=job_queue, create_delay_s=settings.event_create_delay_s, images=images
    )
    job_handlers[CREATE_EVENT_JOB] = event_directory.run_creation_job

    probes: list[ReadinessProbe] = [SqlReadinessProbe(engine)]
    presence_wake = asyncio.Event()  # set when the channel subscription is back: presence is restored at once
    if redis is not None and isinstance(backend, SupervisedRedisPubSubBackend):
        probes += [RedisReadinessProbe(redis), ChannelsReadinessProbe(backend)]
        backend.on_recovered(presence_wake.set)
    return Services(
        settings=settings,
        engine=engine,
        redis=redis,
        channels=channels,
        history=history,
        notifier=notifier,
        mailer=mailer,
        clock=clock,
        probes=probes,
        job_queue=job_queue,
        job_records=job_records,
        job_handlers=job_handlers,
        job_worker=job_worker,
        limits=limits,
        accounts=accounts,
        expeditions=ExpeditionService(uow=uow, notifier=notifier, clock=clock),
        ticketing=ticketing,
        organizations=organizations,
        jobs=JobsService(job_queue),
        images=images,
        chat=chat,
        event_directory=event_directory,
        closers=[hasher.close, renderer.close, inspector.close],
        background=[_presence_loop(chat, interval_s=settings.presence_ttl_s / 3, wake=presence_wake)],
    )


def request_limits(settings: Settings, limiter: RateLimiter) -> RequestLimits:
    """The budgets of every limited action, from the settings."""
    factor = settings.address_rate_factor

    def per_account_and_address(limit: Limit) -> Budget:
        return Budget(account=limit, address=Limit(limit.count * factor, limit.window_s))

    login = Limit(settings.login_rate_limit, settings.login_rate_window_s)
    return RequestLimits(
        limiter,
        {
            Action.LOGIN_FAILURE: Budget(account=login, address=login),
            Action.REGISTER: Budget(address=Limit(settings.register_rate_limit, settings.register_rate_window_s)),
            # The chat socket's frame budget, here per account and shared by every process.
            Action.POST_MESSAGE: per_account_and_address(
                Limit.of_rate(settings.chat_frame_rate, settings.chat_frame_burst)
            ),
            Action.CREATE_CHAT: per_account_and_address(
                Limit(settings.chat_create_rate_limit, settings.chat_create_rate_window_s)
            ),
        },
    )


def _job_queue(settings: Settings, records: SqlJobQueue) -> JobQueue:
    """The jobs table itself (embedded default), or SAQ dispatching with the table as the record."""
    if settings.jobs_backend != "saq":
        return records
    return SaqJobQueue.from_url(
        records,
        settings.saq_url or settings.database_url,
        max_attempts=settings.job_max_attempts,
        retry_base_s=settings.job_retry_base_s,
        timeout_s=settings.job_timeout_s,
        stale_after_s=settings.job_heartbeat_stale_s,
    )


def _queued_mailer(settings: Settings, jobs: JobQueue, handlers: dict[str, JobHandler]) -> Mailer | None:
    """With SMTP configured, every mail is a durable ``send_mail`` job delivered by the SMTP mailer
    (without it, mails go to the log)."""
    if not settings.smtp_host:
        return None
    handlers[SEND_MAIL_JOB] = send_mail_handler(_smtp_mailer(settings))
    return QueuedMailer(jobs)


def _presence_loop(
    chat: ChatService, *, interval_s: float, wake: asyncio.Event
) -> Callable[[], Coroutine[Any, Any, None]]:
    """Renew this process's socket leases and announce users whose sockets died elsewhere; after a
    failure, try every second, and at once when ``wake`` is set (Redis is back)."""

    async def run() -> None:
        outage = Outage("presence heartbeat", logger)
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=min(interval_s, 1.0) if outage.down else interval_s)
            wake.clear()
            try:
                await chat.keep_presence()
            except Exception as error:
                outage.failed(error, consequence="presence is stale until Redis answers")
            else:
                outage.recovered()

    return run


def _smtp_mailer(settings: Settings) -> SmtpMailer:
    return SmtpMailer(
        host=settings.smtp_host or "localhost",
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=settings.smtp_use_tls,
        start_tls=settings.smtp_starttls,
        timeout_s=settings.smtp_timeout_s,
    )


def _constant(value: T) -> Provide:
    def provide() -> T:
        return value

    return Provide(provide, use_cache=True, sync_to_thread=False)


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Litestar:
    """Assemble the Litestar app for ``settings`` (default: read from the environment)."""
    settings = settings or (services.settings if services else Settings.from_env())
    services = services or build_services(settings)
    _init_sentry(settings)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if settings.runs_jobs_in_process:
            services.job_worker.start()
        tasks = [asyncio.create_task(loop()) for loop in services.background]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await services.job_worker.stop()
            if isinstance(services.job_queue, SaqJobQueue):
                await services.job_queue.close()
            for close in services.closers:
                close()
            await services.engine.dispose()
            if services.redis is not None:
                await services.redis.aclose()

    return Litestar(
        route_handlers=[
            health_api.health,
            health_api.ready,
            accounts_api.UserController,
            accounts_api.TokenController,
            accounts_api.AdminUserController,
            expeditions_api.ExpeditionController,
            expeditions_ws.expeditions_socket,
            events_api.EventController,
            reservations_api.EventReservationController,
            reservations_api.ReservationController,
            checkin_api.CheckInController,
            organizer_api.OrganizerController,
            event_metrics_ws.event_metrics_socket,
            organizations_api.OrganizationController,
            jobs_api.JobController,
            create_static_files_router(
                path=settings.media_url, directories=[settings.media_root], name="media", include_in_schema=False
            ),
            chat_api.ChatController,
            chat_api.RoomController,
            chat_api.MessageController,
            chat_ws.chat_socket,
            event_images_api.EventImageController,
            web_api.page,
            web_api.script,
        ],
        dependencies={
            "accounts": _constant(services.accounts),
            "probes": _constant(services.probes),
            "expeditions": _constant(services.expeditions),
            "ticketing": _constant(services.ticketing),
            "organizations": _constant(services.organizations),
            "jobs": _constant(services.jobs),
            "images": _constant(services.images),
            "principal": Provide(provide_principal),
            "maybe_principal": Provide(provide_optional_principal),
            "chat": _constant(services.chat),
            "chat_socket_limits": _constant(
                chat_ws.ChatSocketLimits(rate=settings.chat_frame_rate, burst=settings.chat_frame_burst)
            ),
            "event_directory": _constant(services.event_directory),
            "hub": _constant(ChannelHub(services.channels)),
            "history": _constant(services.history),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[services.channels],
        lifespan=[lifespan],
        openapi_config=_openapi(),
        cors_config=CORSConfig(allow_origins=list(settings.cors_allowed_origins))
        if settings.cors_allowed_origins
        else None,
        middleware=[
            DefineMiddleware(TrustedProxies, trusted=settings.trusted_proxies),
            DefineMiddleware(AllowedHosts, allowed_hosts=settings.allowed_hosts),
            PathIdBounds,
        ],
        request_class=BoundedRequest,
        guards=[rate_limit_guard(services.limits, services.accounts)],
        before_send=[add_nosniff],
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="debug",
            disable_stack_trace={400, 401, 403, 404, 405, 409, 413, 429},
        ),
        debug=False,
        state=State({"services": services}),
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Muster",
        version="0.1.0",
        description="Expeditions, ticketed events, organizations and chat, live over WebSockets.",
        path="/api/schema",
        render_plugins=[
            SwaggerRenderPlugin(path="/swagger-ui"),
            RedocRenderPlugin(path="/redoc"),
            JsonRenderPlugin(path="/openapi.json"),
            YamlRenderPlugin(path="/openapi.yaml"),
        ],
        components=Components(
            security_schemes={"BearerAuth": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
        ),
        security=[{"BearerAuth": []}],
    )


def _init_sentry(settings: Settings) -> None:
    if not settings.sentry_dsn:
        return
    try:
        import sentry_sdk
    except ImportError:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed; pip install 'muster[sentry]'.")
        return
    sentry_sdk.init(dsn=settings.sentry_dsn, traces_sample_rate=0.0)


def app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory``: settings from the environment."""
    return create_app(Settings.from_env())
