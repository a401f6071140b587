"""Q&A of the Redis store: event settings, questions, upvotes and the room's highlight.

A mixin of RedisStore (redis.py, which describes the key layout); it uses the store's helpers
through the ``_Core`` protocol. The same rules as for polls and votes: one script per write, the
room version bumped in the same script, index entries (question id -> event, room) claimed with
SET NX before the script and never changed, request ids in the participant's ``req`` hash.

Upvotes are a set per question: SADD/SREM in the script, SCARD to count. Reading a room's
questions is O(questions), never O(upvotes).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol, cast

import orjson
from redis.asyncio import Redis

from live.domain.models import QUESTION_STATES, Question
from live.store import redis_scripts as lua
from live.store.base import (
    QUESTION_FIELDS,
    DuplicateKey,
    MergeRefused,
    QuestionClosed,
    StoreError,
    TooSoon,
    VoteOutcome,
)
from live.store.redis_codec import (
    Home,
    check_code,
    check_reply,
    encode_home,
    epoch_us,
    flag,
    question_fields,
    question_from_hash,
    translate_errors,
)
from live.store.redis_scripts import REQUEST_TTL

# split_question's reads and write race other merges and splits into the same question
# only; a few tries are plenty.
_SPLIT_TRIES = 5

# update_event_settings re-reads the rooms when one was added while it ran; rooms are added by
# a moderator now and then, so a second attempt practically always goes through.
_SETTINGS_ATTEMPTS = 5


class _Core(Protocol):
    """What the Q&A methods use of RedisStore."""

    def _key(self, code: str, *parts: str) -> str: ...

    def _index(self, kind: str, ident: str) -> str: ...

    def _redis(self) -> Redis: ...

    async def _run(
        self, script: lua.Lua, keys: Sequence[str], args: Sequence[str]
    ) -> list[Any]: ...

    async def _run_requested(
        self,
        script: lua.Lua,
        code: str,
        participant_id: str,
        keys: Sequence[str],
        args: Sequence[str],
    ) -> list[Any]: ...

    async def _claim(self, entries: Sequence[tuple[str, str]]) -> bool: ...

    async def _room_event(self, room_id: str) -> str | None: ...

    async def _homes_of(self, kind: str, ids: Sequence[str]) -> dict[str, Home]: ...


async def update_every_room(
    core: _Core, code: str, script: lua.Lua, args: Sequence[str], extra_keys: Sequence[str] = ()
) -> list[tuple[str, int]]:
    """Run an event-wide ``script`` that writes the event hash and bumps every room's version:
    KEYS event, rooms set, ``extra_keys``, each room hash; ARGV ``args`` then the room ids. The
    script needs
    every room hash among its keys, so the ids are read first; it checks they are still all the
    rooms ('retry' if one was added meanwhile). Returns [(room_id, new_version)] by position,
    like list_rooms."""
    rooms_key = core._key(code, "rooms")
    for _ in range(_SETTINGS_ATTEMPTS):
        room_ids = sorted(cast("set[str]", await core._redis().smembers(rooms_key)))
        keys = [core._key(code, "event"), rooms_key, *extra_keys]
        keys += [core._key(code, "room", room_id) for room_id in room_ids]
        reply = await core._run(script, keys, [*args, *room_ids])
        if reply[0] != "retry":
            break
    else:
        raise StoreError(f"event {code!r}: rooms kept changing during the update")
    check_reply(reply, f"event {code!r}")
    rows = [(str(reply[i]), int(reply[i + 1]), int(reply[i + 2])) for i in range(1, len(reply), 3)]
    rows.sort(key=lambda row: (row[1], row[0]))
    return [(room_id, version) for room_id, _, version in rows]


class RedisQuestions:
    # --- event settings and highlight -------------------------------------------------------

    async def update_event_settings(
        self: _Core, code: str, *, questions_need_approval: bool, names_allowed: bool
    ) -> list[tuple[str, int]]:
        flags = [flag(questions_need_approval), flag(names_allowed)]
        with translate_errors("update_event_settings"):
            return await update_every_room(self, code, lua.UPDATE_EVENT_SETTINGS, flags)

    async def set_highlight(self: _Core, room_id: str, question_id: str | None) -> int:
        with translate_errors("set_highlight"):
            code = await self._room_event(room_id)
            if code is None:
                raise StoreError(f"unknown room {room_id!r}")
            keys = [self._key(code, "room", room_id), self._key(code, "questions", room_id)]
            reply = await self._run(lua.SET_HIGHLIGHT, keys, [question_id or ""])
            if reply == ["missing", "question"] and question_id is not None:
                # Not a question of this room. One of another room is the caller's mistake
                # (ValueError, as the contract has it); an unknown one is a StoreError below.
                home = (await self._homes_of("question", [question_id])).get(question_id)
                if home is not None and await _read_questions(self, home[0], [question_id]):
                    raise ValueError(f"question {question_id!r} is not in room {room_id!r}")
        return int(check_reply(reply, f"room {room_id!r} / question {question_id!r}")[1])

    # --- questions --------------------------------------------------------------------------

    async def add_question(
        self: _Core, question: Question, request_id: str | None, not_before: datetime | None
    ) -> VoteOutcome:
        fields = question_fields(question)
        code, room_id, question_id = question.event_code, question.room_id, question.id
        participant_id = question.participant_id
        check_code(code)
        keys = [
            self._key(code, "event"),
            self._key(code, "room", room_id),
            self._key(code, "questions", room_id),
            self._key(code, "question", question_id),
            self._key(code, "asked", participant_id),
            self._key(code, "voters"),
            self._key(code, "claims"),
        ]
        args = [
            question_id,
            epoch_us(question.created_at),
            "" if not_before is None else epoch_us(not_before),
            request_id or "",
            "" if request_id is None else str(REQUEST_TTL),
            participant_id,
            *fields,
        ]
        home = encode_home(code, room_id)
        with translate_errors("add_question"):
            if not await self._claim([(self._index("question", question_id), home)]):
                raise DuplicateKey(f"question {question_id!r} already exists")
            if request_id is None:
                reply = await self._run(lua.ADD_QUESTION, keys, args)
            else:
                keys.append(self._key(code, "req", participant_id))
                reply = await self._run_requested(
                    lua.ADD_QUESTION, code, participant_id, keys, args
                )
            if reply[0] == "missing":
                # As in SQLite: a room of another event is the caller's mistake.
                found = await self._room_event(room_id)
                if found is not None and found != code:
                    raise ValueError(f"room {room_id!r} belongs to {found!r}, not {code!r}")
        if reply[0] == "too_soon":
            raise TooSoon(f"participant {participant_id!r} asked in {code!r} after {not_before}")
        check_reply(reply, f"question {question_id!r}")
        return VoteOutcome(applied=reply[0] == "ok", version=int(reply[1]))

    async def get_question(self: _Core, question_id: str) -> Question | None:
        with translate_errors("get_question"):
            home = (await self._homes_of("question", [question_id])).get(question_id)
            if home is None:
                return None
            found = await _read_questions(self, home[0], [question_id])
        return found[0] if found else None

    async def list_questions(self: _Core, room_id: str) -> list[Question]:
        with translate_errors("list_questions"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            ids = await self._redis().zrange(self._key(code, "questions", room_id), 0, -1)
            questions = await _read_questions(self, code, cast("list[str]", ids))
        # The sorted set is already in this order (score: created_at in microseconds, ties by
        # id); sorting the records as well keeps it exact for any datetime, at no real cost.
        # Merged duplicates stay in the set (delete_event finds their keys there) but leave
        # the list.
        return sorted(
            (q for q in questions if q.merged_into is None),
            key=lambda question: (question.created_at, question.id),
        )

    async def set_question_labels(
        self: _Core, code: str, labels: Sequence[str]
    ) -> list[tuple[str, int]]:
        encoded = orjson.dumps(list(labels)).decode() if labels else ""
        with translate_errors("set_question_labels"):
            return await update_every_room(self, code, lua.SET_QUESTION_LABELS, [encoded])

    async def set_screen_label(self: _Core, room_id: str, label: str | None) -> int:
        with translate_errors("set_screen_label"):
            code = await self._room_event(room_id)
            if code is None:
                raise StoreError(f"unknown room {room_id!r}")
            keys = [self._key(code, "room", room_id)]
            reply = await self._run(lua.SET_SCREEN_LABEL, keys, [label or ""])
        return int(check_reply(reply, f"room {room_id!r}")[1])

    async def merged_questions(self: _Core, room_id: str) -> list[Question]:
        with translate_errors("merged_questions"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            ids = await self._redis().zrange(self._key(code, "questions", room_id), 0, -1)
            questions = await _read_questions(self, code, cast("list[str]", ids))
        return sorted(
            (q for q in questions if q.merged_into is not None),
            key=lambda question: (question.created_at, question.id),
        )

    async def merge_questions(self: _Core, target_id: str, source_id: str) -> int | None:
        with translate_errors("merge_questions"):
            homes = await self._homes_of("question", [target_id, source_id])
            for question_id in (target_id, source_id):
                if question_id not in homes:
                    raise StoreError(f"unknown question {question_id!r}")
            code, room_id = homes[target_id]
            if homes[source_id] != homes[target_id]:
                # Another room (or event): the script could not take both rooms' keys.
                if await _read_questions(self, homes[source_id][0], [source_id]):
                    raise MergeRefused("other_room")
                raise StoreError(f"unknown question {source_id!r}")
            keys = [
                self._key(code, "question", target_id),
                self._key(code, "question", source_id),
                self._key(code, "upvotes", target_id),
                self._key(code, "upvotes", source_id),
                self._key(code, "room", room_id),
            ]
            reply = await self._run(lua.MERGE_QUESTIONS, keys, [target_id, source_id])
        if reply[0] == "same":
            return None
        if reply[0] == "refused":
            raise MergeRefused(str(reply[1]))
        return int(check_reply(reply, f"questions {target_id!r} / {source_id!r}")[1])

    async def split_question(self: _Core, question_id: str) -> int | None:
        with translate_errors("split_question"):
            home = (await self._homes_of("question", [question_id])).get(question_id)
            if home is None:
                raise StoreError(f"unknown question {question_id!r}")
            code, room_id = home
            # Optimistic: read, work out the target's co-authors, write if nothing changed.
            for _ in range(_SPLIT_TRIES):
                found = await _read_questions(self, code, [question_id])
                if not found:
                    raise StoreError(f"unknown question {question_id!r}")
                target_id = found[0].merged_into
                if target_id is None:
                    return None
                target_key = self._key(code, "question", target_id)
                seen, target_author = await self._redis().hmget(
                    target_key, ["co_authors", "participant_id"]
                )
                authors: set[str] = set()
                ids = await self._redis().zrange(self._key(code, "questions", room_id), 0, -1)
                for other in await _read_questions(self, code, cast("list[str]", ids)):
                    if other.merged_into == target_id and other.id != question_id:
                        authors |= {other.participant_id, *other.co_authors}
                authors.discard(str(target_author))
                keys = [
                    self._key(code, "question", question_id),
                    target_key,
                    self._key(code, "room", room_id),
                ]
                args = [
                    target_id,
                    str(seen or ""),
                    orjson.dumps(sorted(authors)).decode() if authors else "",
                ]
                reply = await self._run(lua.SPLIT_QUESTION, keys, args)
                if reply[0] == "retry":
                    continue
                if reply[0] == "same":
                    return None
                if reply[0] == "refused":
                    raise MergeRefused(str(reply[1]))
                return int(check_reply(reply, f"question {question_id!r}")[1])
        raise StoreError(f"question {question_id!r}: changed under every try to split it")

    async def update_question(
        self: _Core, question: Question, fields: Collection[str] = QUESTION_FIELDS
    ) -> int:
        if question.state not in QUESTION_STATES:
            raise ValueError(f"question {question.id!r}: bad state {question.state!r}")
        args = [
            question.state,
            question.text,
            flag(question.name is not None),
            question.name or "",
            flag(question.answer is not None),
            question.answer or "",
            # Only these are written: concurrent edits of other fields are kept.
            ",".join(f for f in QUESTION_FIELDS if f in fields),
            flag(question.label is not None),
            question.label or "",
        ]
        with translate_errors("update_question"):
            # The room comes from the index, not from the argument (as for update_poll).
            code, room_id = await _home(self, question.id)
            keys = [self._key(code, "question", question.id), self._key(code, "room", room_id)]
            reply = await self._run(lua.UPDATE_QUESTION, keys, args)
        return int(check_reply(reply, f"question {question.id!r}")[1])

    async def delete_question(self: _Core, question_id: str) -> int:
        with translate_errors("delete_question"):
            code, room_id = await _home(self, question_id)
            # The author's sorted set (the rate limit) is a key of the script, so it is read
            # first; the script checks it is still the author.
            question_key = self._key(code, "question", question_id)
            author = await self._redis().hget(question_key, "participant_id")
            if author is None:
                raise StoreError(f"unknown question {question_id!r}")
            keys = [
                question_key,
                self._key(code, "upvotes", question_id),
                self._key(code, "room", room_id),
                self._key(code, "questions", room_id),
                self._key(code, "asked", str(author)),
            ]
            reply = await self._run(lua.DELETE_QUESTION, keys, [question_id, str(author)])
        return int(check_reply(reply, f"question {question_id!r}")[1])

    # --- upvotes ----------------------------------------------------------------------------

    async def set_upvote(
        self: _Core, question_id: str, participant_id: str, up: bool, request_id: str | None
    ) -> VoteOutcome:
        with translate_errors("set_upvote"):
            code, room_id = await _home(self, question_id)
            keys = [
                self._key(code, "question", question_id),
                self._key(code, "room", room_id),
                self._key(code, "upvotes", question_id),
            ]
            args = [participant_id, flag(up)]
            if request_id is None:
                reply = await self._run(lua.SET_UPVOTE, keys, args)
            else:
                keys += [self._key(code, "req", participant_id), self._key(code, "voters")]
                args += [request_id, question_id, str(REQUEST_TTL)]
                reply = await self._run_requested(lua.SET_UPVOTE, code, participant_id, keys, args)
        if reply[0] == "closed":
            raise QuestionClosed(str(reply[1]))
        check_reply(reply, f"question {question_id!r}")
        return VoteOutcome(applied=reply[0] == "ok", version=int(reply[1]))

    async def upvoted_by(self: _Core, participant_id: str, question_ids: Sequence[str]) -> set[str]:
        with translate_errors("upvoted_by"):
            homes = await self._homes_of("question", question_ids)
            if not homes:
                return set()
            ids = list(homes)
            # One member in many sets: SISMEMBER per question, in one round trip.
            async with self._redis().pipeline(transaction=False) as pipe:
                for question_id in ids:
                    pipe.sismember(
                        self._key(homes[question_id][0], "upvotes", question_id), participant_id
                    )
                found = await pipe.execute()
        return {question_id for question_id, hit in zip(ids, found, strict=True) if hit}


async def _home(core: _Core, question_id: str) -> Home:
    home = (await core._homes_of("question", [question_id])).get(question_id)
    if home is None:
        raise StoreError(f"unknown question {question_id!r}")
    return home


async def _read_questions(core: _Core, code: str, ids: Sequence[str]) -> list[Question]:
    """The questions (in the order given) with their upvote counts, read in one MULTI/EXEC:
    records and counts from the same moment. Ids whose question is gone are left out."""
    if not ids:
        return []
    async with core._redis().pipeline(transaction=True) as pipe:
        for question_id in ids:
            pipe.hgetall(core._key(code, "question", question_id))
            pipe.scard(core._key(code, "upvotes", question_id))
        results = await pipe.execute()
    rows = cast("list[dict[str, str]]", results[0::2])
    return [
        question_from_hash(row, int(count))
        for row, count in zip(rows, results[1::2], strict=True)
        if row
    ]
