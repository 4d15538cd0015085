"""Presence shared by every server process through Redis.

Each socket is a key ``<ns>:conn:<connection id>`` with a TTL that its process renews by heartbeat;
each user has a set of their connection ids, and one set lists users with connections. A connection
whose key expired (its process died) is dead. Scripts run atomically, so exactly one process sees
a user's last connection go and announces them offline.

Redis may lose everything (a restart): the heartbeat then opens again every connection of this
process, and closes that could not reach Redis are applied once it answers again, so the last
close is still announced.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.shared.errors import UnavailableError

# KEYS: user set, active users; ARGV: conn prefix, connection id, ttl ms, user id. Returns 1 if came online.
_CONNECT = """
local live = 0
for _, c in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. c) == 1 then live = live + 1 else redis.call('SREM', KEYS[1], c) end
end
redis.call('SET', ARGV[1] .. ARGV[2], ARGV[4], 'PX', ARGV[3])
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
if live == 0 then return 1 else return 0 end
"""

# KEYS: user set, active users; ARGV: conn prefix, connection id, user id. Returns 1 if went offline.
_DISCONNECT = """
local had = redis.call('SREM', KEYS[1], ARGV[2])
redis.call('DEL', ARGV[1] .. ARGV[2])
local live = 0
for _, c in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. c) == 1 then live = live + 1 else redis.call('SREM', KEYS[1], c) end
end
if live == 0 then
  redis.call('SREM', KEYS[2], ARGV[3])
  return had
end
return 0
"""

# KEYS: active users; ARGV: conn prefix, user set prefix. Returns users whose last connection expired.
_SWEEP = """
local gone = {}
for _, u in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local set = ARGV[2] .. u
  local live, dead = 0, 0
  for _, c in ipairs(redis.call('SMEMBERS', set)) do
    if redis.call('EXISTS', ARGV[1] .. c) == 1 then live = live + 1 else dead = dead + 1; redis.call('SREM', set, c) end
  end
  if live == 0 then
    redis.call('SREM', KEYS[1], u)
    if dead > 0 then table.insert(gone, u) end
  end
end
return gone
"""

# KEYS: user sets; ARGV: conn prefix. Returns 1/0 per user: has a live connection.
_ONLINE = """
local out = {}
for i, set in ipairs(KEYS) do
  local live = 0
  for _, c in ipairs(redis.call('SMEMBERS', set)) do
    if redis.call('EXISTS', ARGV[1] .. c) == 1 then live = 1; break end
  end
  out[i] = live
end
return out
"""


class RedisPresenceTracker:
    """Per-connection keys with a TTL, renewed by this process's heartbeat."""

    def __init__(self, redis: Redis, *, ttl_s: float = 30.0, namespace: str = "muster:presence") -> None:
        self._redis, self._ttl_ms = redis, max(1, int(ttl_s * 1000))
        self._conn, self._user, self._active = f"{namespace}:conn:", f"{namespace}:user:", f"{namespace}:active"
        self._connect = redis.register_script(_CONNECT)
        self._disconnect = redis.register_script(_DISCONNECT)
        self._sweep = redis.register_script(_SWEEP)
        self._online = redis.register_script(_ONLINE)
        self._local: dict[str, int] = {}  # open sockets of this process
        self._missed: dict[str, int] = {}  # sockets closed while Redis was unreachable

    async def connect(self, user_id: int, connection_id: str) -> bool:
        with _unavailable():
            came = await self._register(user_id, connection_id)
        self._local[connection_id] = user_id
        return came

    async def disconnect(self, user_id: int, connection_id: str) -> bool:
        self._local.pop(connection_id, None)
        try:
            return await self._unregister(user_id, connection_id)
        except RedisError:
            self._missed[connection_id] = user_id  # applied by the next sweep that reaches Redis
            raise

    async def heartbeat(self) -> list[int]:
        if not self._local:
            return []
        local = list(self._local.items())
        async with self._redis.pipeline(transaction=False) as pipe:
            for connection_id, _ in local:
                pipe.pexpire(f"{self._conn}{connection_id}", self._ttl_ms)
            renewed = await pipe.execute()
        back = []
        for (connection_id, user_id), found in zip(local, renewed, strict=True):
            if not found and connection_id in self._local and await self._register(user_id, connection_id):
                back.append(user_id)
        return back

    async def sweep(self) -> list[int]:
        gone: list[int] = []
        for connection_id, user_id in list(self._missed.items()):
            # After a restart Redis has forgotten the connection: the user is gone if nothing else is live.
            if await self._unregister(user_id, connection_id) or not await self.online([user_id]):
                gone.append(user_id)
            del self._missed[connection_id]
        swept = await self._sweep(keys=[self._active], args=[self._conn, self._user])
        return list(dict.fromkeys([*gone, *(int(user_id) for user_id in swept)]))

    async def online(self, user_ids: list[int]) -> set[int]:
        if not user_ids:
            return set()
        with _unavailable():
            flags = await self._online(keys=[f"{self._user}{u}" for u in user_ids], args=[self._conn])
        return {user_id for user_id, flag in zip(user_ids, flags, strict=True) if int(flag)}

    async def _register(self, user_id: int, connection_id: str) -> bool:
        came = await self._connect(
            keys=[f"{self._user}{user_id}", self._active], args=[self._conn, connection_id, self._ttl_ms, user_id]
        )
        return bool(int(came))

    async def _unregister(self, user_id: int, connection_id: str) -> bool:
        went = await self._disconnect(
            keys=[f"{self._user}{user_id}", self._active], args=[self._conn, connection_id, user_id]
        )
        return bool(int(went))


@contextlib.contextmanager
def _unavailable() -> Iterator[None]:
    """Redis failures as the domain's ``UnavailableError``: the caller may try again shortly."""
    try:
        yield
    except RedisError as error:
        raise UnavailableError("Presence is unavailable for a moment; try again shortly.", retry_after=2) from error
