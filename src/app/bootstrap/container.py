"""The container: every adapter and service of one app, and its lifecycle. The app's lifespan and
every command of ``python -m app`` start it and close it the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from litestar.channels import ChannelsPlugin
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from app.adapters.db.event_list_version import EventListVersion
from app.adapters.jobs.saq_queue import SaqJobQueue
from app.adapters.jobs.sql import SqlJobQueue
from app.adapters.jobs.worker import JobWorker
from app.core.accounts.admin.service import UserAdminService
from app.core.accounts.people.service import PeopleService
from app.core.accounts.service import AccountsService
from app.core.chat.service import ChatService
from app.core.event_directory.service import EventDirectoryService
from app.core.expeditions.service import ExpeditionService
from app.core.images.service import ImageService
from app.core.jobs.service import JobsService
from app.core.limits import RequestLimits
from app.core.organizations.service import OrganizationsService
from app.core.ticketing.services import TicketingServices
from app.ports.clock import Clock
from app.ports.health import ReadinessProbe
from app.ports.history import EventHistory
from app.ports.jobs import JobHandler, JobQueue
from app.ports.mailer import Mailer
from app.ports.notifier import Notifier
from app.settings import Settings


@dataclass(slots=True)
class Services:
    """Every app-scoped adapter and service, built once per app, started and closed once."""

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
    user_admin: UserAdminService
    people: PeopleService
    expeditions: ExpeditionService
    ticketing: TicketingServices
    organizations: OrganizationsService
    jobs: JobsService
    images: ImageService
    chat: ChatService
    event_directory: EventDirectoryService
    event_list_version: EventListVersion  # moved by commits that change the public event list
    closers: list[Callable[[], Any]] = field(default_factory=list)
    # Loops that run while the app is up (started by ``start(loops=True)``, cancelled by ``aclose``).
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _closed: bool = False

    async def start(self, *, jobs: bool = False, loops: bool = False) -> None:
        """Start the embedded job worker (``jobs``) and the background loops (``loops``)."""
        if jobs:
            self.job_worker.start()
        if loops:
            self._tasks = [asyncio.create_task(loop()) for loop in self.background]

    async def aclose(self) -> None:
        """Stop what ``start`` started, then release every resource (thread pools, the SAQ and
        database pools, Redis). Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.job_worker.stop()
        if isinstance(self.job_queue, SaqJobQueue):
            await self.job_queue.close()
        for close in self.closers:
            close()
        await self.engine.dispose()
        if self.redis is not None:
            await self.redis.aclose()
