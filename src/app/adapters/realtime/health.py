"""Readiness of this process's channel subscription."""

from __future__ import annotations

from app.adapters.realtime.redis_pubsub import SupervisedRedisPubSubBackend


class ChannelsReadinessProbe:
    """Not ready while the supervised subscription is down: this process's sockets hear nothing live."""

    name = "channels"

    def __init__(self, backend: SupervisedRedisPubSubBackend) -> None:
        self._backend = backend

    async def check(self) -> str | None:
        return self._backend.problem
