"""The board on Redis: every worker and host sees the same grades and presence.

Keys (short-lived, with TTLs so an abandoned room cleans itself up):
- ``live:board:{room}:grades`` hash participant -> "<grade>|<epoch ms>"
- ``live:board:{room}:present`` sorted set participant scored by last-seen epoch ms
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis
from redis.commands.core import AsyncScript

from live.board.base import GRADE_TTL, PRESENCE_TTL, BoardError
from live.redis_pool import failures_as, pooled_client

_KEY_TTL_SECONDS = 3600  # an idle room's board disappears after an hour
# ZADD of many participants, given as one newline-joined argument (see announce); ZADD takes
# them in chunks: Lua's unpack() has a limit of a few thousand values.
_ANNOUNCE = """
local members = {}
for id in string.gmatch(ARGV[2], "[^\\n]+") do
  members[#members + 1] = ARGV[1]
  members[#members + 1] = id
  if #members >= 2000 then
    redis.call("ZADD", KEYS[1], unpack(members))
    members = {}
  end
end
if #members > 0 then
  redis.call("ZADD", KEYS[1], unpack(members))
end
redis.call("EXPIRE", KEYS[1], ARGV[3])
return 0
"""
_TIMEOUT = 2.0  # seconds for a connect or a reply: the board is state of the last seconds


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _failures(what: str) -> contextlib.AbstractContextManager[None]:
    return failures_as(BoardError, f"board {what}")


class RedisBoard:
    def __init__(self, url: str, prefix: str = "live:board:") -> None:
        self._url = url.replace("valkeys://", "rediss://", 1).replace("valkey://", "redis://", 1)
        self._prefix = prefix
        self._client: aioredis.Redis | None = None
        self._announce: AsyncScript | None = None

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisBoard:
        return cls(url, **options)

    def _redis(self) -> aioredis.Redis:
        if self._client is None:
            raise RuntimeError("RedisBoard used before open()")
        return self._client

    def _announce_script(self) -> AsyncScript:
        if self._announce is None:
            self._announce = self._redis().register_script(_ANNOUNCE)
        return self._announce

    async def open(self) -> None:
        # Every command may be sent a second time: each sets a state or reads one, so a resend
        # after a lost reply does no harm.
        client = pooled_client(
            self._url, resends=1, socket_timeout=_TIMEOUT, connect_timeout=_TIMEOUT
        )
        try:
            with _failures("connect"):
                await client.ping()
        except BoardError:
            await client.aclose()
            raise
        self._client = client

    async def close(self) -> None:
        self._announce = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _key(self, room_id: str, what: str) -> str:
        return f"{self._prefix}{{{room_id}}}:{what}"

    async def set_grade(self, room_id: str, participant_id: str, grade: int, now: datetime) -> None:
        key = self._key(room_id, "grades")
        with _failures("set grade"):
            async with self._redis().pipeline(transaction=True) as pipe:
                if grade <= 0:
                    pipe.hdel(key, participant_id)
                else:
                    pipe.hset(key, participant_id, f"{grade}|{_ms(now)}")
                pipe.expire(key, _KEY_TTL_SECONDS)
                await pipe.execute()

    async def grades(self, room_id: str, now: datetime) -> Mapping[str, tuple[int, datetime]]:
        key = self._key(room_id, "grades")
        with _failures("read grades"):
            raw = {str(k): str(v) for k, v in (await self._redis().hgetall(key)).items()}
        fresh: dict[str, tuple[int, datetime]] = {}
        stale: list[str] = []
        limit = _ms(now - GRADE_TTL)
        for pid, value in raw.items():
            grade_s, _, at_s = value.partition("|")
            if not (grade_s.isdigit() and at_s.isdigit()) or int(at_s) < limit:
                stale.append(pid)
                continue
            fresh[pid] = (int(grade_s), datetime.fromtimestamp(int(at_s) / 1000, UTC))
        if stale:
            with _failures("drop stale grades"):
                await self._redis().hdel(key, *stale)
        return fresh

    async def announce(self, room_id: str, participant_ids: Collection[str], now: datetime) -> None:
        if not participant_ids:
            return
        key = self._key(room_id, "present")
        stamp = _ms(now)
        # Every process announces all of its participants every couple of seconds. As a ZADD
        # with two arguments per participant, redis-py's pure-Python command packing cost more
        # CPU than anything else but sending frames (15,000 participants: docs/benchmarks.md);
        # as one joined argument it is one string, and Redis splits it.
        joined = "\n".join(participant_ids)
        with _failures("announce"):
            if joined.count("\n") == len(participant_ids) - 1:
                await self._announce_script()(keys=[key], args=[stamp, joined, _KEY_TTL_SECONDS])
                return
            async with self._redis().pipeline(transaction=False) as pipe:  # an id with a newline
                pipe.zadd(key, dict.fromkeys(participant_ids, stamp))
                pipe.expire(key, _KEY_TTL_SECONDS)
                await pipe.execute()

    async def present(self, room_id: str, now: datetime) -> int:
        key = self._key(room_id, "present")
        limit = _ms(now - PRESENCE_TTL)
        with _failures("count present"):
            async with self._redis().pipeline(transaction=False) as pipe:
                pipe.zremrangebyscore(key, "-inf", f"({limit}")
                pipe.zcard(key)
                _removed, count = await pipe.execute()
            return int(count)
