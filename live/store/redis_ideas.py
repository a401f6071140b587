"""The idea board of the Redis store (issue 24). A mixin of RedisStore (redis.py, which
describes the key layout); the same rules as for questions (redis_questions.py): one script
per write with the room version bumped in it, the index entry (idea id -> event, room) claimed
with SET NX before the script, request ids in the participant's ``req`` hash.

Upvotes are a set per idea (SCARD counts), the marked ideas a set per room (SCARD is the cap's
count, read in the marking script).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from live.domain.models import IDEA_STATES, Idea, IdeaState
from live.store import redis_scripts_ideas as lua
from live.store.base import DuplicateKey, IdeaClosed, StoreError, TooManyMarked, VoteOutcome
from live.store.redis_codec import (
    check_code,
    check_reply,
    encode_home,
    epoch_us,
    flag,
    idea_fields,
    idea_from_hash,
    translate_errors,
)
from live.store.redis_questions import _Core
from live.store.redis_scripts import REQUEST_TTL


class RedisIdeas:
    async def set_ideas_open(self: _Core, room_id: str, on: bool) -> int:
        with translate_errors("set_ideas_open"):
            code = await self._room_event(room_id)
            if code is None:
                raise StoreError(f"unknown room {room_id!r}")
            reply = await self._run(
                lua.SET_IDEAS_OPEN, [self._key(code, "room", room_id)], [flag(on)]
            )
        return int(check_reply(reply, f"room {room_id!r}")[1])

    async def add_idea(self: _Core, idea: Idea, request_id: str | None) -> VoteOutcome:
        fields = idea_fields(idea)
        code, room_id = idea.event_code, idea.room_id
        check_code(code)
        keys = [
            self._key(code, "event"),
            self._key(code, "room", room_id),
            self._key(code, "ideas", room_id),
            self._key(code, "idea", idea.id),
            self._key(code, "claims"),
            self._key(code, "voters"),
        ]
        args = [
            idea.id,
            epoch_us(idea.created_at),
            request_id or "",
            "" if request_id is None else str(REQUEST_TTL),
            idea.participant_id,
            *fields,
        ]
        with translate_errors("add_idea"):
            if not await self._claim([(self._index("idea", idea.id), encode_home(code, room_id))]):
                raise DuplicateKey(f"idea {idea.id!r} already exists")
            if request_id is None:
                reply = await self._run(lua.ADD_IDEA, keys, args)
            else:
                keys.append(self._key(code, "req", idea.participant_id))
                reply = await self._run_requested(
                    lua.ADD_IDEA, code, idea.participant_id, keys, args
                )
            if reply[0] == "missing":
                found = await self._room_event(room_id)
                if found is not None and found != code:
                    raise ValueError(f"room {room_id!r} belongs to {found!r}, not {code!r}")
        check_reply(reply, f"idea {idea.id!r}")
        return VoteOutcome(applied=reply[0] == "ok", version=int(reply[1]))

    async def get_idea(self: _Core, idea_id: str) -> Idea | None:
        with translate_errors("get_idea"):
            home = (await self._homes_of("idea", [idea_id])).get(idea_id)
            if home is None:
                return None
            found = await _read_ideas(self, home[0], home[1], [idea_id])
        return found[0] if found else None

    async def ideas(self: _Core, room_id: str) -> list[Idea]:
        with translate_errors("ideas"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            ids = await self._redis().zrange(self._key(code, "ideas", room_id), 0, -1)
            found = await _read_ideas(self, code, room_id, cast("list[str]", ids))
        return sorted(found, key=lambda idea: (idea.created_at, idea.id))

    async def event_ideas(self: _Core, event_code: str) -> list[Idea]:
        with translate_errors("event_ideas"):
            room_ids = cast(
                "set[str]", await self._redis().smembers(self._key(event_code, "rooms"))
            )
            async with self._redis().pipeline(transaction=False) as pipe:
                for room_id in sorted(room_ids):
                    pipe.hget(self._key(event_code, "room", room_id), "position")
                positions = await pipe.execute()
        rooms = sorted(
            (int(position), room_id)
            for room_id, position in zip(sorted(room_ids), positions, strict=True)
            if position is not None
        )
        found: list[Idea] = []
        for _, room_id in rooms:
            found += await RedisIdeas.ideas(self, room_id)
        return found

    async def set_idea_state(self: _Core, idea_id: str, state: IdeaState) -> int:
        if state not in IDEA_STATES:
            raise ValueError(f"bad idea state {state!r}")
        with translate_errors("set_idea_state"):
            code, room_id = await _home(self, idea_id)
            keys = [
                self._key(code, "idea", idea_id),
                self._key(code, "room", room_id),
                self._key(code, "marked", room_id),
            ]
            reply = await self._run(lua.SET_IDEA_STATE, keys, [idea_id, state])
        return int(check_reply(reply, f"idea {idea_id!r}")[1])

    async def set_idea_marked(self: _Core, idea_id: str, marked: bool, limit: int) -> int:
        with translate_errors("set_idea_marked"):
            code, room_id = await _home(self, idea_id)
            keys = [
                self._key(code, "idea", idea_id),
                self._key(code, "room", room_id),
                self._key(code, "marked", room_id),
            ]
            reply = await self._run(lua.SET_IDEA_MARKED, keys, [idea_id, flag(marked), str(limit)])
        if reply[0] == "closed":
            raise IdeaClosed(str(reply[1]))
        if reply[0] == "full":
            raise TooManyMarked(limit)
        return int(check_reply(reply, f"idea {idea_id!r}")[1])

    async def set_idea_upvote(
        self: _Core, idea_id: str, participant_id: str, up: bool, request_id: str | None
    ) -> VoteOutcome:
        with translate_errors("set_idea_upvote"):
            code, room_id = await _home(self, idea_id)
            keys = [
                self._key(code, "idea", idea_id),
                self._key(code, "room", room_id),
                self._key(code, "ideaup", idea_id),
            ]
            args = [participant_id, flag(up)]
            if request_id is None:
                reply = await self._run(lua.SET_IDEA_UPVOTE, keys, args)
            else:
                keys += [self._key(code, "req", participant_id), self._key(code, "voters")]
                args += [request_id, idea_id, str(REQUEST_TTL)]
                reply = await self._run_requested(
                    lua.SET_IDEA_UPVOTE, code, participant_id, keys, args
                )
        if reply[0] == "closed":
            raise IdeaClosed(str(reply[1]))
        check_reply(reply, f"idea {idea_id!r}")
        return VoteOutcome(applied=reply[0] == "ok", version=int(reply[1]))

    async def idea_upvoted_by(
        self: _Core, participant_id: str, idea_ids: Sequence[str]
    ) -> set[str]:
        with translate_errors("idea_upvoted_by"):
            homes = await self._homes_of("idea", idea_ids)
            ids = list(homes)
            if not ids:
                return set()
            async with self._redis().pipeline(transaction=False) as pipe:
                for idea_id in ids:
                    pipe.sismember(self._key(homes[idea_id][0], "ideaup", idea_id), participant_id)
                found = await pipe.execute()
        return {idea_id for idea_id, hit in zip(ids, found, strict=True) if hit}

    async def idea_upvoters(self: _Core, idea_ids: Sequence[str]) -> Mapping[str, set[str]]:
        with translate_errors("idea_upvoters"):
            homes = await self._homes_of("idea", idea_ids)
            ids = list(homes)
            if not ids:
                return {}
            async with self._redis().pipeline(transaction=False) as pipe:
                for idea_id in ids:
                    pipe.smembers(self._key(homes[idea_id][0], "ideaup", idea_id))
                found = await pipe.execute()
        return {idea_id: set(members) for idea_id, members in zip(ids, found, strict=True)}


async def _home(core: _Core, idea_id: str) -> tuple[str, str]:
    home = (await core._homes_of("idea", [idea_id])).get(idea_id)
    if home is None:
        raise StoreError(f"unknown idea {idea_id!r}")
    return home


async def _read_ideas(core: _Core, code: str, room_id: str, ids: Sequence[str]) -> list[Idea]:
    """The ideas (in the order given) with their upvotes and marks, read in one MULTI/EXEC.
    Ids whose idea is gone (or whose add was refused after the claim) are left out."""
    if not ids:
        return []
    marked_key = core._key(code, "marked", room_id)
    async with core._redis().pipeline(transaction=True) as pipe:
        pipe.smembers(marked_key)
        for idea_id in ids:
            pipe.hgetall(core._key(code, "idea", idea_id))
            pipe.scard(core._key(code, "ideaup", idea_id))
        results = await pipe.execute()
    marked = cast("set[str]", results[0])
    rows = cast("list[dict[str, str]]", results[1::2])
    return [
        idea_from_hash(row, int(count), row["id"] in marked)
        for row, count in zip(rows, results[2::2], strict=True)
        if row
    ]
