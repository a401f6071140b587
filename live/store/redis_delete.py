"""Data protection of the Redis store (issue 7): deleting an event with everything in it, and
finding the events whose last day has passed.

A mixin of RedisStore (redis.py, which describes the key layout). Three indexes make every key
of an event findable from the event itself (all written in the same script as the keys they
point to):

- ``P:{code}:voters``  set of the participant ids with keys of their own in the event
                       (``req:<participant>``, ``asked:<participant>``): added by the scripts
                       that record a request id and by add_question (the author)
- ``P:{code}:claims``  set of the global index entries claimed for the event ("room:<id>",
                       "poll:<id>", "question:<id>", "idea:<id>", "agenda:<id>"), noted by
                       the adding
                       script as soon as it finds the event, also when it refuses the add, and
                       kept when a question or agenda item is deleted (as the entry is)
- ``P:events``         set of all event codes (outside any event: SADD before the creating
                       script; delete_event removes the code). events_ended_before reads each
                       event's days from its hash: the days live in one place only, so
                       update_event needs no second write outside the event's slot, and a
                       scan of a few thousand events once a day costs nothing. (A sorted set
                       scored by the last day would be a second copy to keep in step.)

Events stored before these indexes existed: ``open`` adds their codes to ``P:events`` once
(a SCAN for their event hashes, remembered in ``P:events:indexed``). Their rooms, polls,
questions and agenda are found through the event's own sets as for any event; request ids
(``req``, which expire REQUEST_TTL after the last write anyway) and ``asked`` keys of
participants not in ``voters`` are found through the participants hash, which holds everyone
the app lets write.

delete_event reads the event's sets, then one script checks they are unchanged (else it reads
again) and UNLINKs every key at once: atomic, as the contract asks. The global index entries
and the participants' ``voter`` entries live in other slots and go right after; a crash in
between leaves only entries that point at an event that no longer exists (readers find
nothing there). Likewise an add racing the delete in another process may leave its claim.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol, cast

from live.store import redis_scripts_program as lua
from live.store.base import StoreError
from live.store.redis_codec import Home, translate_errors
from live.store.redis_questions import _Core
from live.store.sqlite_schema import from_day, from_iso

_ATTEMPTS = 5  # delete_event re-reads when the event changed between its read and its script
_SCAN_BATCH = 1000


class _DeleteCore(_Core, Protocol):
    prefix: str
    _homes: dict[str, dict[str, Home]]
    _room_events: dict[str, str]
    _voters: set[tuple[str, str]]

    def _events_key(self) -> str: ...


class RedisDelete:
    async def delete_event(self: _DeleteCore, code: str) -> list[str]:
        with translate_errors("delete_event"):
            for _ in range(_ATTEMPTS):
                found = await _read_event(self, code)
                keys, checks = _event_keys(self, code, found)
                reply = await self._run(lua.DELETE_EVENT, keys, checks)
                if reply[0] != "retry":
                    break
            else:
                raise StoreError(f"event {code!r}: kept changing while it was deleted")
            if reply[0] != "ok":
                raise StoreError(f"unexpected reply deleting event {code!r}: {reply!r}")
            await _drop_indexes(self, code, found)
        _forget(self, code)
        rooms = sorted(found.positions.items(), key=lambda item: (item[1], item[0]))
        return [room_id for room_id, _ in rooms] if found.exists else []

    async def events_ended_before(self: _DeleteCore, day: date) -> list[str]:
        with translate_errors("events_ended_before"):
            codes = sorted(cast("set[str]", await self._redis().smembers(self._events_key())))
            async with self._redis().pipeline(transaction=False) as pipe:
                for code in codes:
                    pipe.hmget(self._key(code, "event"), ["ends_on", "starts_on", "created_at"])
                rows = cast("list[list[str | None]]", await pipe.execute())
        ended = []
        for code, (ends_on, starts_on, created_at) in zip(codes, rows, strict=True):
            if created_at is None:
                continue  # the creating script did not run (or failed): no event
            last = from_day(ends_on or starts_on) or from_iso(created_at).date()
            if last < day:  # Event.last_day
                ended.append(code)
        return ended

    async def _index_old_events(self: _DeleteCore) -> None:
        """Once per database: add the codes of events stored before ``P:events`` existed."""
        client = self._redis()
        marker = f"{self._events_key()}:indexed"
        if await client.exists(marker):
            return
        pattern = f"{_glob_escape(self.prefix)}:{{*}}:event"
        batch: list[str] = []
        async for key in client.scan_iter(match=pattern, count=_SCAN_BATCH):
            name = cast("str", key)
            code = name[len(self.prefix) + 2 : -len("}:event")]
            if "{" in code or "}" in code:
                continue  # not an event hash (an id with a brace in another key)
            batch.append(code)
            if len(batch) >= _SCAN_BATCH:
                await client.sadd(self._events_key(), *batch)
                batch.clear()
        if batch:
            await client.sadd(self._events_key(), *batch)
        await client.set(marker, "1")


class _Found:
    """What delete_event read of an event (one MULTI/EXEC per step)."""

    def __init__(self) -> None:
        self.exists = False
        self.positions: dict[str, int] = {}  # room id -> position
        self.sets: dict[str, tuple[str, list[str]]] = {}  # key -> (type, members)
        self.polls: list[str] = []
        self.questions: list[str] = []
        self.ideas: list[str] = []
        self.people: set[str] = set()  # participants and voters
        self.claims: list[str] = []
        self.agenda: list[str] = []


async def _read_event(core: _DeleteCore, code: str) -> _Found:
    found = _Found()
    named = {
        "rooms": ("s", core._key(code, "rooms")),
        "claims": ("s", core._key(code, "claims")),
        "voters": ("s", core._key(code, "voters")),
        "agenda": ("s", core._key(code, "agenda")),
        "participants": ("h", core._key(code, "participants")),
    }
    async with core._redis().pipeline(transaction=True) as pipe:
        pipe.exists(core._key(code, "event"))
        for kind, key in named.values():
            if kind == "s":
                pipe.smembers(key)
            else:
                pipe.hkeys(key)
        results = await pipe.execute()
    found.exists = bool(results[0])
    members: dict[str, list[str]] = {}
    for (name, (kind, key)), value in zip(named.items(), results[1:], strict=True):
        members[name] = sorted(cast("Any", value))
        found.sets[key] = (kind, members[name])
    rooms = members["rooms"]
    found.claims, found.agenda = members["claims"], members["agenda"]
    found.people = {*members["voters"], *members["participants"]}
    async with core._redis().pipeline(transaction=True) as pipe:
        for room_id in rooms:
            pipe.hget(core._key(code, "room", room_id), "position")
            pipe.smembers(core._key(code, "polls", room_id))
            pipe.zrange(core._key(code, "questions", room_id), 0, -1)
            pipe.zrange(core._key(code, "ideas", room_id), 0, -1)
        per_room = await pipe.execute()
    for i, room_id in enumerate(rooms):
        position, polls, questions, ideas = per_room[4 * i : 4 * i + 4]
        found.positions[room_id] = int(position) if position is not None else 0
        found.sets[core._key(code, "polls", room_id)] = ("s", sorted(polls))
        found.sets[core._key(code, "questions", room_id)] = ("z", list(questions))
        found.polls += sorted(polls)
        found.questions += list(questions)
        found.sets[core._key(code, "ideas", room_id)] = ("z", list(ideas))
        found.ideas += list(ideas)
    return found


def _event_keys(core: _DeleteCore, code: str, found: _Found) -> tuple[list[str], list[str]]:
    """Every key of the event, and the DELETE_EVENT checks of the index keys among them (and
    of the event hash: one created meanwhile under a code that had none is not deleted)."""
    keys = [core._key(code, "event")]
    checks = ["<number of checks>", "1", "e", str(int(found.exists))]
    for key, (kind, members) in found.sets.items():
        keys.append(key)
        checks += [str(len(keys)), kind, str(len(members)), *members]
    checks[0] = str(1 + len(found.sets))
    keys += [core._key(code, "tokens"), core._key(code, "logo"), core._key(code, "blocklist")]
    keys.append(core._key(code, "surveys"))
    keys += [core._key(code, "joined"), core._key(code, "joins")]
    for room_id in found.positions:
        keys += [core._key(code, part, room_id) for part in ("room", "moods", "moodlog")]
        keys += [core._key(code, part, room_id) for part in ("pace", "pacelog")]
        keys.append(core._key(code, "applause", room_id))
        keys.append(core._key(code, "marked", room_id))
    for poll_id in found.polls:
        keys += [core._key(code, part, poll_id) for part in ("poll", "ballots", "counts")]
        keys += [core._key(code, "texts", poll_id), core._key(code, "hidden", poll_id)]
    for question_id in found.questions:
        keys += [core._key(code, "question", question_id), core._key(code, "upvotes", question_id)]
    for idea_id in found.ideas:
        keys += [core._key(code, "idea", idea_id), core._key(code, "ideaup", idea_id)]
    for item_id in found.agenda:
        keys += [core._key(code, "item", item_id), core._key(code, "itempolls", item_id)]
    for participant_id in sorted(found.people):
        keys += [core._key(code, "req", participant_id), core._key(code, "asked", participant_id)]
    return keys, checks


async def _drop_indexes(core: _DeleteCore, code: str, found: _Found) -> None:
    """The entries outside the event's slot: its ids' claims, the participants' voter index
    entries for it, its code in the index of all events."""
    claims = {f"{core.prefix}:{claim}" for claim in found.claims}
    claims |= {core._index("room", room_id) for room_id in found.positions}
    claims |= {core._index("poll", poll_id) for poll_id in found.polls}
    claims |= {core._index("question", question_id) for question_id in found.questions}
    claims |= {core._index("idea", idea_id) for idea_id in found.ideas}
    claims |= {core._index("agenda", item_id) for item_id in found.agenda}
    async with core._redis().pipeline(transaction=False) as pipe:
        for key in sorted(claims):
            pipe.unlink(key)
        for participant_id in sorted(found.people):
            pipe.srem(core._index("voter", participant_id), code)
        pipe.srem(core._events_key(), code)
        await pipe.execute()


def _forget(core: _DeleteCore, code: str) -> None:
    """This process's cached index entries of the event. (Other processes keep theirs: they
    point at the deleted event, where readers find nothing, and ids are never reused.)"""
    for room_id in [r for r, c in core._room_events.items() if c == code]:
        del core._room_events[room_id]
    for cache in core._homes.values():
        for ident in [i for i, home in cache.items() if home[0] == code]:
            del cache[ident]
    core._voters.difference_update({pair for pair in core._voters if pair[1] == code})


def _glob_escape(text: str) -> str:
    """``text`` as a literal in a SCAN MATCH pattern."""
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)
