"""The board on Redis: every worker and host sees the same grades and presence.

Keys (short-lived, with TTLs so an abandoned room cleans itself up):
- ``live:board:{room}:grades`` hash participant -> "<grade>|<epoch ms>"
- ``live:board:{room}:present`` sorted set participant scored by last-seen epoch ms
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis

from live.board.base import GRADE_TTL, PRESENCE_TTL

_KEY_TTL_SECONDS = 3600  # an idle room's board disappears after an hour


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class RedisBoard:
    def __init__(self, url: str, prefix: str = "live:board:") -> None:
        self._url = url.replace("valkeys://", "rediss://", 1).replace("valkey://", "redis://", 1)
        self._prefix = prefix
        self._client: aioredis.Redis | None = None

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisBoard:
        return cls(url, **options)

    def _redis(self) -> aioredis.Redis:
        if self._client is None:
            raise RuntimeError("RedisBoard used before open()")
        return self._client

    async def open(self) -> None:
        self._client = aioredis.Redis.from_url(
            self._url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
        await self._client.ping()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _key(self, room_id: str, what: str) -> str:
        return f"{self._prefix}{{{room_id}}}:{what}"

    async def set_grade(self, room_id: str, participant_id: str, grade: int, now: datetime) -> None:
        key = self._key(room_id, "grades")
        async with self._redis().pipeline(transaction=True) as pipe:
            if grade <= 0:
                pipe.hdel(key, participant_id)
            else:
                pipe.hset(key, participant_id, f"{grade}|{_ms(now)}")
            pipe.expire(key, _KEY_TTL_SECONDS)
            await pipe.execute()

    async def grades(self, room_id: str, now: datetime) -> Mapping[str, tuple[int, datetime]]:
        key = self._key(room_id, "grades")
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
            await self._redis().hdel(key, *stale)
        return fresh

    async def announce(self, room_id: str, participant_ids: Collection[str], now: datetime) -> None:
        if not participant_ids:
            return
        key = self._key(room_id, "present")
        stamp = _ms(now)
        async with self._redis().pipeline(transaction=False) as pipe:
            pipe.zadd(key, dict.fromkeys(participant_ids, stamp))
            pipe.expire(key, _KEY_TTL_SECONDS)
            await pipe.execute()

    async def present(self, room_id: str, now: datetime) -> int:
        key = self._key(room_id, "present")
        limit = _ms(now - PRESENCE_TTL)
        async with self._redis().pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(key, "-inf", f"({limit}")
            pipe.zcard(key)
            _removed, count = await pipe.execute()
        return int(count)
