"""The reads that move an event to another instance (live export, issue 22), Redis side.

A mixin of RedisStore (redis.py, which describes the key layout). Each read is one MULTI/EXEC,
so what belongs together (a poll's ballots and their order, the participants and their join
times) comes from the same moment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import cast

from live.domain.models import Ballot
from live.store.redis_codec import decode_stored, translate_errors
from live.store.redis_questions import _Core
from live.store.sqlite_schema import from_iso


class RedisTransfer:
    async def list_participants(self: _Core, event_code: str) -> list[tuple[str, datetime | None]]:
        with translate_errors("list_participants"):
            async with self._redis().pipeline(transaction=True) as pipe:
                pipe.hkeys(self._key(event_code, "participants"))
                pipe.hgetall(self._key(event_code, "joined"))
                ids, joined = await pipe.execute()
        times = cast("dict[str, str]", joined)
        found = [(str(pid), from_iso(times[pid]) if times.get(pid) else None) for pid in ids]
        # Unknown times first (as NULLs in SQLite), then by time, then by id.
        found.sort(key=lambda entry: (entry[1] is not None, entry[1] or datetime.min, entry[0]))
        return found

    async def poll_ballots(self: _Core, poll_id: str) -> list[tuple[str, Ballot]]:
        with translate_errors("poll_ballots"):
            home = (await self._homes_of("poll", [poll_id])).get(poll_id)
            if home is None:
                return []
            code = home[0]
            async with self._redis().pipeline(transaction=True) as pipe:
                pipe.hget(self._key(code, "poll", poll_id), "kind")
                pipe.hgetall(self._key(code, "ballots", poll_id))
                # The texts' order: scored by the room version of each participant's last
                # ballot (see the key layout); other kinds keep none.
                pipe.zrange(self._key(code, "texts", poll_id), 0, -1)
                kind, stored, ordered = await pipe.execute()
        ballots = cast("dict[str, str]", stored)
        first = [str(pid) for pid in ordered if pid in ballots] if kind == "text" else []
        rest = sorted(set(ballots) - set(first))
        return [(pid, decode_stored(ballots[pid])) for pid in (*first, *rest)]

    async def upvoters(self: _Core, question_ids: Sequence[str]) -> Mapping[str, set[str]]:
        with translate_errors("upvoters"):
            homes = await self._homes_of("question", question_ids)
            ids = list(homes)
            if not ids:
                return {}
            async with self._redis().pipeline(transaction=False) as pipe:
                for question_id in ids:
                    pipe.smembers(self._key(homes[question_id][0], "upvotes", question_id))
                found = await pipe.execute()
        return {qid: {str(p) for p in members} for qid, members in zip(ids, found, strict=True)}
