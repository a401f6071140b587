"""Mood barometer and applause timeline of the Redis store.

A mixin of RedisStore (redis.py, which describes the key layout), like redis_questions.py: it
uses the store's helpers through the ``_Core`` protocol. Keys, all under the event's hash tag:

- ``P:{code}:moods:<room>``     hash: participant id -> current mood ("1".."5")
- ``P:{code}:moodlog:<room>``   sorted set: "<room version>|<value>|<participant>", scored by
                                the change's moment (microseconds since 1970)
- ``P:{code}:applause:<room>``  hash: second since 1970 -> level (the maximum of its samples)
- ``P:{code}:pace:<room>``      hash: participant id -> "<value>|<microseconds since 1970>",
                                the latest pace signal (live/domain/pace.py decides if it counts)
- ``P:{code}:pacelog:<room>``   sorted set: "<room version>|<value>|<participant>", scored by
                                the signal's moment (microseconds since 1970)

None of them expires: the event report reads them after the event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import cast

from live.store import redis_scripts as lua
from live.store.base import StoreError, VoteOutcome
from live.store.redis_codec import check_reply, epoch_us, translate_errors
from live.store.redis_questions import _Core
from live.store.redis_scripts import REQUEST_TTL
from live.store.sqlite_schema import applause_seconds, check_mood, check_pace

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RedisMood:
    async def set_mood(
        self: _Core,
        room_id: str,
        participant_id: str,
        value: int,
        request_id: str | None,
        at: datetime,
    ) -> VoteOutcome:
        check_mood(value)
        args = [participant_id, str(value), epoch_us(at)]
        with translate_errors("set_mood"):
            code = await self._room_event(room_id)
            if code is None:
                raise StoreError(f"unknown room {room_id!r}")
            keys = [
                self._key(code, "room", room_id),
                self._key(code, "moods", room_id),
                self._key(code, "moodlog", room_id),
            ]
            if request_id is None:
                reply = await self._run(lua.SET_MOOD, keys, args)
            else:
                keys += [self._key(code, "req", participant_id), self._key(code, "voters")]
                args += [request_id, room_id, str(REQUEST_TTL)]
                reply = await self._run_requested(lua.SET_MOOD, code, participant_id, keys, args)
        check_reply(reply, f"room {room_id!r}")
        return VoteOutcome(applied=reply[0] == "ok", version=int(reply[1]))

    async def mood_values(self: _Core, room_id: str) -> list[int]:
        """By participant id, like SQLite; [] for an unknown room."""
        with translate_errors("mood_values"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            found = await self._redis().hgetall(self._key(code, "moods", room_id))
        moods = cast("dict[str, str]", found)
        return [int(moods[pid]) for pid in sorted(moods)]

    async def mood_log(self: _Core, room_id: str) -> list[tuple[datetime, str, int]]:
        """By moment, then in the order of the writes (the room version in the member)."""
        with translate_errors("mood_log"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            found = await self._redis().zrange(
                self._key(code, "moodlog", room_id), 0, -1, withscores=True
            )
        entries = []
        for member, score in cast("list[tuple[str, float]]", found):
            version, value, participant_id = member.split("|", 2)
            entries.append((int(score), int(version), participant_id, int(value)))
        entries.sort()
        return [(_EPOCH + timedelta(microseconds=us), pid, value) for us, _, pid, value in entries]

    async def set_pace(
        self: _Core,
        room_id: str,
        participant_id: str,
        value: str,
        request_id: str | None,
        at: datetime,
    ) -> VoteOutcome:
        check_pace(value)
        args = [participant_id, value, epoch_us(at)]
        with translate_errors("set_pace"):
            code = await self._room_event(room_id)
            if code is None:
                raise StoreError(f"unknown room {room_id!r}")
            keys = [
                self._key(code, "room", room_id),
                self._key(code, "pace", room_id),
                self._key(code, "pacelog", room_id),
            ]
            if request_id is None:
                reply = await self._run(lua.SET_PACE, keys, args)
            else:
                keys += [self._key(code, "req", participant_id), self._key(code, "voters")]
                args += [request_id, room_id, str(REQUEST_TTL)]
                reply = await self._run_requested(lua.SET_PACE, code, participant_id, keys, args)
        check_reply(reply, f"room {room_id!r}")
        return VoteOutcome(applied=reply[0] == "ok", version=int(reply[1]))

    async def pace_signals(self: _Core, room_id: str) -> list[tuple[str, str, datetime]]:
        """By participant id, like SQLite; [] for an unknown room."""
        with translate_errors("pace_signals"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            found = await self._redis().hgetall(self._key(code, "pace", room_id))
        latest = cast("dict[str, str]", found)
        out = []
        for pid in sorted(latest):
            value, us = latest[pid].split("|", 1)
            out.append((pid, value, _EPOCH + timedelta(microseconds=int(us))))
        return out

    async def pace_log(self: _Core, room_id: str) -> list[tuple[str, str, datetime]]:
        """By moment, then in the order of the writes (the room version in the member)."""
        with translate_errors("pace_log"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            found = await self._redis().zrange(
                self._key(code, "pacelog", room_id), 0, -1, withscores=True
            )
        entries = []
        for member, score in cast("list[tuple[str, float]]", found):
            version, value, participant_id = member.split("|", 2)
            entries.append((int(score), int(version), participant_id, value))
        entries.sort()
        return [(pid, value, _EPOCH + timedelta(microseconds=us)) for us, _, pid, value in entries]

    async def record_applause(
        self: _Core, room_id: str, samples: Sequence[tuple[datetime, float]]
    ) -> None:
        """One script: StoreError for an unknown room, then max(level) per second. No samples:
        nothing to do (no round trip, no room check)."""
        seconds = applause_seconds(samples)
        if not seconds:
            return
        args: list[str] = []
        for second, level in seconds.items():
            args += [str((second - _EPOCH) // timedelta(seconds=1)), repr(level)]
        with translate_errors("record_applause"):
            code = await self._room_event(room_id)
            if code is None:
                raise StoreError(f"unknown room {room_id!r}")
            keys = [self._key(code, "room", room_id), self._key(code, "applause", room_id)]
            reply = await self._run(lua.RECORD_APPLAUSE, keys, args)
        check_reply(reply, f"room {room_id!r}")

    async def applause_timeline(self: _Core, room_id: str) -> list[tuple[datetime, float]]:
        with translate_errors("applause_timeline"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            found = await self._redis().hgetall(self._key(code, "applause", room_id))
        levels = cast("dict[str, str]", found)
        return [
            (_EPOCH + timedelta(seconds=second), float(levels[str(second)]))
            for second in sorted(int(s) for s in levels)
        ]
