"""Adapter choice and service wiring: ``build_services(settings)`` makes the container of one app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend

from app.adapters.db.engine import create_engine, create_session_factory
from app.adapters.db.event_list_version import EventListVersion, tracked_session_factory
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
from app.bootstrap.container import Services
from app.bootstrap.limits import request_limits
from app.core.accounts.admin.service import UserAdminService
from app.core.accounts.people.service import PeopleService
from app.core.accounts.policy import AccountPolicy
from app.core.accounts.service import AccountsService
from app.core.chat.service import ChatService
from app.core.event_directory.service import EventDirectoryService
from app.core.expeditions.service import ExpeditionService
from app.core.images.service import ImageService
from app.core.jobs.service import JobsService
from app.core.organizations.service import OrganizationsService
from app.core.ticketing.services import ticketing_services
from app.core.ticketing.services.after_commit import TICKET_URL
from app.ports.clock import Clock
from app.ports.health import ReadinessProbe
from app.ports.history import EventHistory
from app.ports.jobs import JobHandler, JobQueue
from app.ports.mailer import Mailer
from app.settings import Settings
from app.ws import chat as chat_ws
from app.ws import expeditions as expeditions_ws
from app.ws import ticketing as ticketing_ws
from app.ws.channels import SYSTEM_CHANNEL
from app.ws.frames import EventWire

logger = logging.getLogger("app")


def build_services(settings: Settings, *, clock: Clock | None = None, mailer: Mailer | None = None) -> Services:
    """Build adapters and services for ``settings``; tests may hand in a clock or a mailer."""
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
    event_list_version = EventListVersion()
    sessions = (
        tracked_session_factory(engine, event_list_version)
        if settings.event_list_cache_s > 0
        else create_session_factory(engine)
    )
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
    notifier = ChannelsNotifier(backend, route=wire.route, history=history)
    # With SMTP configured, every mail is a durable ``send_mail`` job delivered by the SMTP mailer
    # (without it, mails go to the log); a mailer handed in replaces both.
    mail_jobs: dict[str, JobHandler] = {}
    if mailer is None and settings.smtp_host:
        mail_jobs[SEND_MAIL_JOB] = send_mail_handler(_smtp_mailer(settings))
    mailer = mailer or (QueuedMailer(job_queue) if mail_jobs else LoggingMailer())
    hasher = Argon2PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_kib=settings.password_hash_memory_kib,
        parallelism=settings.password_hash_parallelism,
    )
    rate_limiter = FallbackRateLimiter(RedisRateLimiter(redis), MemoryRateLimiter()) if redis else MemoryRateLimiter()
    limits = request_limits(settings, rate_limiter)
    accounts_cache = RedisUserCache(redis) if redis else MemoryUserCache()
    accounts = AccountsService(
        uow=uow,
        hasher=hasher,
        signer=JwtTokenSigner(settings.secret_key),
        mailer=mailer,
        clock=clock,
        limits=limits,
        cache=accounts_cache,
        policy=AccountPolicy(
            require_activation=settings.require_email_activation,
            access_ttl=timedelta(seconds=settings.access_token_ttl_s),
            refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_s),
            activation_url=settings.public_url("/api/users/activate/{token}/"),
        ),
    )
    user_admin = UserAdminService(uow=uow, hasher=hasher, clock=clock, cache=accounts_cache)
    renderer = FpdfTicketRenderer(workers=settings.ticket_render_workers)
    ticketing = ticketing_services(
        uow=uow,
        notifier=notifier,
        mailer=mailer,
        clock=clock,
        signer=HmacTicketSigner(settings.secret_key),
        renderer=renderer,
        ticket_url=settings.public_url(TICKET_URL),
    )
    organizations = OrganizationsService(uow=uow, clock=clock, jobs=job_queue)
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
    chat = ChatService(
        uow=uow,
        notifier=notifier,
        clock=clock,
        hasher=hasher,
        presence=presence,
        presence_interval_s=settings.presence_interval_s,
    )
    event_directory = EventDirectoryService(
        uow=uow, events=ticketing.events, jobs=job_queue, create_delay_s=settings.event_create_delay_s, images=images
    )
    job_handlers.update({**mail_jobs, **organizations.job_handlers(), **event_directory.job_handlers()})

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
        user_admin=user_admin,
        people=PeopleService(uow=uow),
        expeditions=ExpeditionService(uow=uow, notifier=notifier, clock=clock),
        ticketing=ticketing,
        organizations=organizations,
        jobs=JobsService(job_queue),
        images=images,
        chat=chat,
        event_directory=event_directory,
        event_list_version=event_list_version,
        closers=[hasher.close, renderer.close, inspector.close],
        background=[_presence_loop(chat, interval_s=settings.presence_ttl_s / 3, wake=presence_wake)],
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
