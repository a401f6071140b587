"""Event setup of the Redis store (issue 7): event days, room names, links, settings and screen
modes, the agenda, participant counts.

A mixin of RedisStore (redis.py, which describes the key layout), like redis_questions.py. The
agenda's keys, under the event's hash tag:

- ``P:{code}:agenda``            set of the event's agenda item ids
- ``P:{code}:item:<item>``       hash: the AgendaItem's fields (a None speaker = field absent)
- ``P:{code}:itempolls:<item>``  set of the ids of the polls prepared for the item (so deleting
                                 the item can unlink them: their agenda_item_id becomes None)

and the index ``P:agenda:<item>`` (string: event code), claimed with SET NX like the others
(the item's room may change, so the entry holds the event only). Agenda lookups are rare (the
organiser's setup page): no process cache for them.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from live.domain.models import AgendaItem, Countdown, ScreenMode
from live.store import redis_scripts_program as lua
from live.store.base import DuplicateKey, StoreError
from live.store.redis_codec import (
    agenda_fields,
    agenda_from_hash,
    check_code,
    check_reply,
    countdown_args,
    day_arg,
    flag,
    translate_errors,
)
from live.store.redis_questions import _Core, update_every_room
from live.store.sqlite_schema import check_screen_mode, to_iso

# Screen modes that take the highlighted question off the projector (set_screen_mode).
CLEARS_HIGHLIGHT: frozenset[str] = frozenset({"join", "poll", "slide"})
_ATTEMPTS = 5  # update_event / delete_agenda_item re-read when their keys changed meanwhile


class RedisProgram:
    # --- event and rooms --------------------------------------------------------------------

    async def update_event(
        self: _Core, code: str, *, title: str, starts_on: date | None, ends_on: date | None
    ) -> list[tuple[str, int]]:
        head = [title, day_arg(starts_on), day_arg(ends_on)]
        with translate_errors("update_event"):
            return await update_every_room(self, code, lua.UPDATE_EVENT, head)

    async def rename_room(self: _Core, room_id: str, name: str) -> int:
        with translate_errors("rename_room"):
            key = await _room_key(self, room_id)
            reply = await self._run(lua.RENAME_ROOM, [key], [name])
        return int(check_reply(reply, f"room {room_id!r}")[1])

    async def set_room_token(self: _Core, room_id: str, token_hash: str | None) -> None:
        with translate_errors("set_room_token"):
            key = await _room_key(self, room_id)
            reply = await self._run(lua.SET_ROOM_TOKEN, [key], [token_hash or ""])
        check_reply(reply, f"room {room_id!r}")

    async def set_parallel_polls(self: _Core, room_id: str, allowed: bool) -> int:
        with translate_errors("set_parallel_polls"):
            key = await _room_key(self, room_id)
            reply = await self._run(lua.SET_PARALLEL_POLLS, [key], [flag(allowed)])
        return int(check_reply(reply, f"room {room_id!r}")[1])

    async def set_applause_via_stream(self: _Core, room_id: str, on: bool) -> int:
        with translate_errors("set_applause_via_stream"):
            key = await _room_key(self, room_id)
            reply = await self._run(lua.SET_APPLAUSE_VIA_STREAM, [key], [flag(on)])
        return int(check_reply(reply, f"room {room_id!r}")[1])

    async def set_countdown(self: _Core, room_id: str, countdown: Countdown | None) -> int:
        args = countdown_args(countdown)
        with translate_errors("set_countdown"):
            key = await _room_key(self, room_id)
            reply = await self._run(lua.SET_COUNTDOWN, [key], args)
        return int(check_reply(reply, f"room {room_id!r}")[1])

    async def set_forum_results(
        self: _Core, room_id: str, shown: bool | None, poll_id: str | None
    ) -> int:
        args = ["" if shown is None else flag(shown), poll_id or ""]
        with translate_errors("set_forum_results"):
            key = await _room_key(self, room_id)
            reply = await self._run(lua.SET_FORUM_RESULTS, [key], args)
        return int(check_reply(reply, f"room {room_id!r}")[1])

    async def set_screen_mode(
        self: _Core, room_id: str, mode: ScreenMode, poll_id: str | None
    ) -> int:
        check_screen_mode(mode)
        args = [mode, poll_id or "", flag(mode in CLEARS_HIGHLIGHT)]
        with translate_errors("set_screen_mode"):
            code = await self._room_event(room_id)
            if code is None:
                raise StoreError(f"unknown room {room_id!r}")
            keys = [self._key(code, "room", room_id), self._key(code, "polls", room_id)]
            reply = await self._run(lua.SET_SCREEN_MODE, keys, args)
        return int(check_reply(reply, f"room {room_id!r} / poll {poll_id!r}")[1])

    async def participant_count(self: _Core, event_code: str) -> int:
        with translate_errors("participant_count"):
            return int(await self._redis().hlen(self._key(event_code, "participants")))

    # --- agenda -----------------------------------------------------------------------------

    async def add_agenda_item(self: _Core, item: AgendaItem) -> None:
        fields = agenda_fields(item)
        code = item.event_code
        check_code(code)
        keys = [
            self._key(code, "event"),
            self._key(code, "room", item.room_id),
            self._key(code, "agenda"),
            self._key(code, "item", item.id),
            self._key(code, "claims"),
        ]
        with translate_errors("add_agenda_item"):
            if not await self._claim([(self._index("agenda", item.id), code)]):
                raise DuplicateKey(f"agenda item {item.id!r} already exists")
            reply = await self._run(lua.ADD_AGENDA_ITEM, keys, [item.id, *fields])
            if reply == ["missing", "room"]:
                await _refuse_other_event(self, item.room_id, code)
        check_reply(reply, f"agenda item {item.id!r}")

    async def update_agenda_item(self: _Core, item: AgendaItem) -> None:
        """The item's event is the stored one (from the index); the argument's is ignored."""
        args = [
            item.room_id,
            item.title,
            to_iso(item.starts_at),
            to_iso(item.ends_at),
            item.speaker or "",
            flag(item.speaker is not None),
        ]
        with translate_errors("update_agenda_item"):
            code = await _agenda_event(self, item.id)
            if code is None:
                raise StoreError(f"unknown agenda item {item.id!r}")
            keys = [self._key(code, "item", item.id), self._key(code, "room", item.room_id)]
            reply = await self._run(lua.UPDATE_AGENDA_ITEM, keys, args)
            if reply == ["missing", "room"]:
                await _refuse_other_event(self, item.room_id, code)
        check_reply(reply, f"agenda item {item.id!r}")

    async def delete_agenda_item(self: _Core, item_id: str) -> None:
        with translate_errors("delete_agenda_item"):
            code = await _agenda_event(self, item_id)
            if code is None:
                raise StoreError(f"unknown agenda item {item_id!r}")
            prepared = self._key(code, "itempolls", item_id)
            for _ in range(_ATTEMPTS):
                # The script needs the prepared polls' hashes as keys: read them first.
                poll_ids = sorted(cast("set[str]", await self._redis().smembers(prepared)))
                keys = [self._key(code, "item", item_id), self._key(code, "agenda"), prepared]
                keys += [self._key(code, "poll", poll_id) for poll_id in poll_ids]
                reply = await self._run(lua.DELETE_AGENDA_ITEM, keys, [item_id, *poll_ids])
                if reply[0] != "retry":
                    break
            else:
                raise StoreError(f"agenda item {item_id!r}: polls kept changing")
        check_reply(reply, f"agenda item {item_id!r}")

    async def get_agenda_item(self: _Core, item_id: str) -> AgendaItem | None:
        with translate_errors("get_agenda_item"):
            code = await _agenda_event(self, item_id)
            if code is None:
                return None
            row = await self._redis().hgetall(self._key(code, "item", item_id))
        return agenda_from_hash(cast("dict[str, str]", row)) if row else None

    async def list_agenda(self: _Core, event_code: str) -> list[AgendaItem]:
        with translate_errors("list_agenda"):
            ids = cast("set[str]", await self._redis().smembers(self._key(event_code, "agenda")))
            room_ids = cast(
                "set[str]", await self._redis().smembers(self._key(event_code, "rooms"))
            )
            async with self._redis().pipeline(transaction=False) as pipe:
                for item_id in ids:
                    pipe.hgetall(self._key(event_code, "item", item_id))
                for room_id in room_ids:
                    pipe.hget(self._key(event_code, "room", room_id), "position")
                found = await pipe.execute()
        items = [agenda_from_hash(row) for row in found[: len(ids)] if row]
        positions = {
            room_id: int(position)
            for room_id, position in zip(room_ids, found[len(ids) :], strict=True)
            if position is not None
        }
        # starts_at is UTC, so comparing datetimes orders like SQLite's ISO text does.
        return sorted(
            items, key=lambda item: (item.starts_at, positions.get(item.room_id, 0), item.id)
        )


async def _room_key(core: _Core, room_id: str) -> str:
    code = await core._room_event(room_id)
    if code is None:
        raise StoreError(f"unknown room {room_id!r}")
    return core._key(code, "room", room_id)


async def _agenda_event(core: _Core, item_id: str) -> str | None:
    found = await core._redis().get(core._index("agenda", item_id))
    return None if found is None else str(found)


async def _refuse_other_event(core: _Core, room_id: str, code: str) -> None:
    """As in SQLite: a room of another event is the caller's mistake (ValueError); an unknown
    room stays a StoreError (the caller's check_reply)."""
    found = await core._room_event(room_id)
    if found is not None and found != code:
        raise ValueError(f"room {room_id!r} belongs to {found!r}, not {code!r}")
