"""Redis (or Valkey) backend of the Store protocol, on redis.asyncio.

URLs: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS; ``valkey://`` and
``valkeys://`` are accepted as aliases of the two.

Key layout (``P`` is the prefix, "live" unless given). Everything of one event carries the hash
tag ``{code}``, so it lives in one Redis Cluster slot and every script touches one slot only:

- ``P:{code}:event``              hash: title, created_at, moderator_token_hash,
                                  questions_need_approval, names_allowed ("1"/"0"; absent in
                                  events stored before Q&A: read as True), starts_on and
                                  ends_on (ISO dates, only if set), brand_color,
                                  logo_version and join_code_secret (only if set)
- ``P:{code}:blocklist``          hash: "added:<key>" / "removed:<key>" -> the entry as written;
                                  the event's own blocklist entries and the default ones it
                                  switched off (redis_blocklist.py); the switch of the default
                                  list is the event hash's blocklist_default ("0": off)
- ``P:{code}:logo``               hash: media_type, data (base64: the client decodes every
                                  reply as text) of the event's logo (redis_brand.py)
- ``P:{code}:rooms``              set of room ids
- ``P:{code}:room:<room>``        hash: id, name, position, version, screen_poll_id,
                                  highlighted_question_id, moderator_token_hash (each only if
                                  set), screen_mode (only if not "auto"), parallel_polls
                                  ("1", only if allowed), applause_via_stream ("1", only if
                                  on), screen_label (only if set), countdown_label,
                                  countdown_ends_at and countdown_left_ms (the countdown, only
                                  while there is one; ends_at while running, left_ms while
                                  paused), ideas_open ("1", only while the idea board is on),
                                  forum_shown ("1"/"0", only if set) and forum_poll_id (only
                                  if set): the forums' results
- ``P:{code}:polls:<room>``       set of the room's poll ids
- ``P:{code}:poll:<poll>``        hash: the Poll's fields (None = field absent), among them
                                  agenda_item_id, screen_results, max_answers,
                                  joined_before_only (absent in polls stored before them:
                                  see poll_from_hash), max_ranked, budget, scale_min_label
                                  and scale_max_label (only where set: issue 24)
- ``P:{code}:hidden:<poll>``      hash: "word:<key>" / "answer:<key>" -> the entry as shown;
                                  what moderators took out of the word cloud (set_hidden)
- ``P:{code}:ballots:<poll>``     hash: participant -> "<counters>|<ballot JSON>"
- ``P:{code}:counts:<poll>``      hash: "c:<option>" / "v:<scale value>" -> number of ballots;
                                  ranking polls "r:<place>:<option>" -> number of ballots,
                                  points polls "s:<option>" -> sum of points (ballot_counters)
- ``P:{code}:texts:<poll>``       sorted set: participant, scored by the room version of its
                                  last ballot with texts (the order of the text answers)
- ``P:{code}:participants``       hash: participant id -> token hash
- ``P:{code}:tokens``             hash: token hash -> participant id
- ``P:{code}:joined``             hash: participant id -> created_at (absent: unknown, joined
                                  before it was kept); cast_vote compares it with opened_at
- ``P:{code}:joins``              sorted set: participant id by created_at in microseconds
                                  (voters_created_since reads the recent ones only)
- ``P:{code}:req:<participant>``  hash: request id -> poll, question or room id; one namespace
                                  for votes, questions, upvotes and moods; expires REQUEST_TTL
                                  after the participant's last write with a request id
- ``P:{code}:questions:<room>``   sorted set of the room's question ids, scored by created_at
                                  (microseconds since 1970): oldest first, then by id
- ``P:{code}:question:<q>``       hash: the Question's fields but upvotes (None = field absent;
                                  merged_into and co_authors, a JSON list, only once merged:
                                  absent means not merged, no co-authors; label absent: none)
- ``P:{code}:upvotes:<q>``        set of the participant ids that upvote the question (the
                                  count is SCARD: membership, never a counter); a merged
                                  duplicate keeps its own, for split_question
- ``P:{code}:asked:<participant>`` sorted set of the participant's question ids in the event,
                                  scored like ``questions``: add_question's rate limit counts
                                  those created at or after not_before (deleted ones drop out)
- ``P:{code}:ideas:<room>``       sorted set of the room's idea ids, scored by created_at (as
                                  ``questions``; redis_ideas.py)
- ``P:{code}:idea:<idea>``        hash: the Idea's fields but upvotes and marked
- ``P:{code}:ideaup:<idea>``      set of the participant ids that upvote the idea
- ``P:{code}:marked:<room>``      set of the room's marked idea ids (the moderator's top N; the
                                  cap is its SCARD)
- ``P:{code}:moods:<room>``, ``P:{code}:moodlog:<room>``, ``P:{code}:applause:<room>``: the
                                  mood barometer and applause timeline (see redis_mood.py)
- ``P:{code}:pace:<room>``, ``P:{code}:pacelog:<room>``: pace feedback (see redis_mood.py)
- ``P:{code}:agenda``, ``P:{code}:item:<item>``, ``P:{code}:itempolls:<item>``: the program
                                  (see redis_program.py)
- ``P:{code}:voters``, ``P:{code}:claims``: what delete_event needs to find every key of the
                                  event (see redis_delete.py)

and indexes outside any event, because some methods get only an id:

- ``P:room:<room>``               string: event code
- ``P:poll:<poll>``               string: JSON [event code, room id]
- ``P:question:<q>``              string: JSON [event code, room id]; kept when the question is
                                  deleted (like any claim)
- ``P:idea:<idea>``               string: JSON [event code, room id] (like questions)
- ``P:voter:<participant>``       set of event codes where this participant sent request ids
                                  (for request_seen, which gets no poll); kept, like the ballots
- ``P:agenda:<item>``             string: event code (redis_program.py)
- ``P:events``                    set of all event codes (for events_ended_before; see
                                  redis_delete.py), and ``P:events:indexed``, its marker
- ``P:dataset``                   string: a random id written by the first process that opens
                                  an empty database (SET NX; every later one reads it). Each
                                  process remembers it, and ``ping`` (the health probe and the
                                  periodic check, live/service/integrity.py) raises DataLost
                                  when it is gone or another: the database was flushed,
                                  restarted without persistence or swapped. With AOF it
                                  survives a restart like everything else, so a restart is no
                                  alarm.

The Q&A methods are in redis_questions.py, mood and applause in redis_mood.py, the event
program in redis_program.py, deleting events in redis_delete.py, branding in redis_brand.py
(mixins of RedisStore).

Room, poll and question ids are unique across events (as in SQLite). The index entry is the claim
on the id: create_event / add_room / add_poll / add_question take it with SET NX *before* the
event's script runs (it lives in another slot, so it cannot be part of the script). It is never
changed, and deleted only with its whole event (delete_event), so reading it in a separate round
trip before a script is safe, and each process caches it (a stale entry of a deleted event
points at keys that are gone: readers find nothing). (So, unlike SQLite, the id of a deleted
question is not free again for another room; ids are random.) A claim without its record (the
script refused, or a crash or lost reply between claim and script) points to an event without
that record: readers find nothing (None), a retry with the same record goes through, and only a
different record with the same random id would be refused (DuplicateKey).

Durability: the store is as durable as the server's persistence. With ``appendonly yes`` and
``appendfsync everysec`` (docs/deploy.md) an acknowledged write is lost only if the Redis host
itself crashes (kernel panic, power loss) within the second before the next fsync. A crash of
this app loses nothing, and neither does a crash of the redis-server process alone: Redis hands
the AOF to the kernel before it replies (unless the disk is so slow that Redis postpones that
write, which it logs; then up to two seconds are at risk). This is weaker than SQLite's
synchronous=FULL, on purpose: an fsync per vote would cap a conference at a few hundred votes
per second per disk. (WAITAOF, Redis and Valkey 7.2+, could make chosen writes wait for the
fsync; not used.)

Connections: a bounded pool (waiting, not failing, when all are busy) and no automatic retries:
redis-py would resend a command whose answer was lost, and a resent add_poll would report
DuplicateKey for a poll it created. Callers see StoreError and decide (votes with a request_id
are safe to retry). A connection that went stale while the server restarted is detected when it
is taken from the pool and replaced, so the first command after a restart succeeds.
"""

from __future__ import annotations

import copy
import itertools
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from live.domain import poll_points
from live.domain.models import VISIBILITIES, Ballot, Event, HiddenKind, Poll, Room, Tally
from live.redis_pool import MAX_CONNECTIONS, pooled_client
from live.store import redis_scripts as lua
from live.store.base import (
    DataLost,
    DuplicateKey,
    JoinedAfterOpening,
    PollNotOpen,
    PollOpened,
    StoreError,
    VoteOutcome,
)
from live.store.redis_blocklist import RedisBlocklist, blocklist_fields
from live.store.redis_brand import RedisBrand
from live.store.redis_codec import (
    POLL_STATES,
    Home,
    ballot_counters,
    check_code,
    check_reply,
    day_arg,
    decode_home,
    decode_stored,
    encode_home,
    epoch_us,
    event_from_hash,
    flag,
    from_epoch_us,
    hidden_field,
    poll_fields,
    poll_from_hash,
    room_args,
    room_from_hash,
    translate_errors,
)
from live.store.redis_delete import RedisDelete
from live.store.redis_ideas import RedisIdeas
from live.store.redis_mood import RedisMood
from live.store.redis_program import RedisProgram
from live.store.redis_questions import RedisQuestions
from live.store.redis_scripts import REQUEST_TTL as REQUEST_TTL  # re-exported for the tests
from live.store.redis_surveys import RedisSurveys
from live.store.redis_transfer import RedisTransfer
from live.store.sqlite_schema import (
    check_opening,
    check_screen_results,
    encode_ballot,
    opt_iso,
    to_iso,
)

DEFAULT_PREFIX = "live"
TICK_CONNECTIONS = 8  # the fan-out's own (tick_reader): a tick sends a few reads at once
SOCKET_TIMEOUT = 5.0  # a reply that takes longer is a dead server, not a slow one
CONNECT_TIMEOUT = 2.0
_CACHE_LIMIT = 100_000  # cached index entries per process; cleared (not evicted) when full
_OPEN_ATTEMPTS = 5  # open_poll re-reads the room's polls when one was added meanwhile

_SCHEMES = {"redis": "redis", "rediss": "rediss", "valkey": "redis", "valkeys": "rediss"}


class RedisStore(
    RedisQuestions,
    RedisMood,
    RedisProgram,
    RedisDelete,
    RedisBrand,
    RedisBlocklist,
    RedisTransfer,
    RedisIdeas,
    RedisSurveys,
):
    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        """``url`` with a redis:// or rediss:// scheme (from_url maps the valkey ones)."""
        if not prefix or "{" in prefix or "}" in prefix:
            # A brace in the prefix would become the hash tag instead of the event code.
            raise ValueError(f"invalid key prefix {prefix!r}")
        self.url = url
        self.prefix = prefix
        self._max_connections = max_connections
        self._client: Redis | None = None
        self._tick_client: Redis | None = None  # the fan-out's reads (tick_reader)
        self._owner: RedisStore | None = None  # a tick reader's store (open while it is)
        # kind ("poll", "question", "idea") -> id -> (event code, room id); index entries are
        # immutable
        self._homes: dict[str, dict[str, Home]] = {"poll": {}, "question": {}, "idea": {}}
        self._room_events: dict[str, str] = {}
        self._voters: set[tuple[str, str]] = set()  # (participant, event) in the voter index
        self._dataset: str | None = None  # the database's P:dataset as found by open()

    @classmethod
    def from_url(cls, url: str, *, prefix: str = DEFAULT_PREFIX) -> RedisStore:
        scheme, sep, rest = url.partition("://")
        if not sep or scheme.lower() not in _SCHEMES:
            raise ValueError(f"not a redis/valkey URL: {url!r}")
        return cls(f"{_SCHEMES[scheme.lower()]}://{rest}", prefix=prefix)

    # --- lifecycle --------------------------------------------------------------------------

    def _connect(self, connections: int) -> Redis:
        return pooled_client(
            self.url,
            connections=connections,
            resends=0,  # see the module docstring: never resend
            socket_timeout=SOCKET_TIMEOUT,
            connect_timeout=CONNECT_TIMEOUT,
        )

    async def open(self) -> None:
        if self._client is not None:
            return
        client = self._connect(self._max_connections)
        ticks = self._connect(TICK_CONNECTIONS)
        try:
            with translate_errors("connect"):
                await client.ping()
            self._client = client
            self._tick_client = ticks
            with translate_errors("mark the dataset"):
                self._dataset = await self._claim_dataset()
            with translate_errors("index old events"):
                await self._index_old_events()
        except BaseException:
            self._client = self._tick_client = None
            await client.aclose()
            await ticks.aclose()
            raise

    async def close(self) -> None:
        client, self._client = self._client, None
        ticks, self._tick_client = self._tick_client, None
        if client is not None:
            await client.aclose()
        if ticks is not None:
            await ticks.aclose()

    def tick_reader(self) -> RedisStore:
        """A view of this store on the ticks' own connections; it shares the caches (they are
        only ever filled or cleared, so sharing them is safe) and is closed with this store."""
        if self._tick_client is None:
            raise StoreError("the Redis store is not open")
        view = copy.copy(self)
        view._client = self._tick_client
        view._tick_client = None
        view._owner = self
        return view

    async def _claim_dataset(self) -> str:
        """The database's dataset id: written now if it has none (a new, empty database; or an
        older one from before the marker, which keeps its data), else the one found."""
        client = self._redis()
        await client.set(self._dataset_key(), secrets.token_hex(16), nx=True)
        found = await client.get(self._dataset_key())
        if found is None:  # flushed between the two commands
            raise DataLost(f"redis: {self._dataset_key()} vanished while the store opened")
        return cast("str", found)

    async def ping(self) -> None:
        """A round trip that also proves the data is still the one this store opened."""
        with translate_errors("ping"):
            found = await self._redis().get(self._dataset_key())
        if found != self._dataset:
            state = "gone" if found is None else "another database's"
            raise DataLost(
                f"redis: the marker {self._dataset_key()} is {state}: the database was flushed, "
                "restarted without persistence or replaced"
            )

    def _redis(self) -> Redis:
        if self._client is None or (self._owner is not None and self._owner._client is None):
            raise StoreError("the Redis store is not open")
        return self._client

    # --- keys -------------------------------------------------------------------------------

    def _dataset_key(self) -> str:
        return f"{self.prefix}:dataset"

    def _key(self, code: str, *parts: str) -> str:
        return ":".join((self.prefix, f"{{{code}}}", *parts))

    def _index(self, kind: str, ident: str) -> str:
        return f"{self.prefix}:{kind}:{ident}"

    def _events_key(self) -> str:
        return f"{self.prefix}:events"

    # --- events and rooms -------------------------------------------------------------------

    async def create_event(self, event: Event, rooms: Sequence[Room]) -> None:
        for room in rooms:
            if room.event_code != event.code:
                raise ValueError(
                    f"room {room.id!r} belongs to {room.event_code!r}, not {event.code!r}"
                )
        check_code(event.code)
        if event.logo_version is not None:
            raise ValueError(f"event {event.code!r}: a logo comes with set_logo, not create_event")
        if event.question_labels:
            raise ValueError(f"event {event.code!r}: labels come with set_question_labels")
        with translate_errors("create_event"):
            # A taken code is the usual refusal (the caller retries with a fresh code and fresh
            # room ids): say so before claiming room ids that would then be left behind. The
            # script checks again; this is only the cheap early answer.
            if await self._redis().exists(self._key(event.code, "event")):
                raise DuplicateKey(f"event {event.code!r} already exists")
        head = [
            "1",
            event.title,
            to_iso(event.created_at),
            event.moderator_token_hash,
            flag(event.questions_need_approval),
            flag(event.names_allowed),
            day_arg(event.starts_on),
            day_arg(event.ends_on),
            event.brand_color or "",
        ]
        # Refusals before any write (and before the code enters the index of all events).
        _check_new_rooms(rooms)
        room_arguments = [room_args(room) for room in rooms]
        with translate_errors("create_event"):
            # In the index of all events (events_ended_before) before the event exists, so an
            # event is never missing from it; an entry whose event was not created is skipped
            # by readers and removed by delete_event.
            await self._redis().sadd(self._events_key(), event.code)
        await self._create_rooms(event.code, rooms, head, room_arguments)
        if event.join_code_secret is not None:
            # Only an imported event comes with one (live/backup/importer.py); the app sets it
            # later (set_join_code_secret). Kept, as SQLite keeps it.
            await self.set_join_code_secret(event.code, event.join_code_secret)

    async def get_event(self, code: str) -> Event | None:
        with translate_errors("get_event"):
            async with self._redis().pipeline(transaction=True) as pipe:
                pipe.hgetall(self._key(code, "event"))
                pipe.hgetall(self._key(code, "blocklist"))
                data, blocklist = cast("list[dict[str, str]]", await pipe.execute())
        if not data:
            return None
        entries = blocklist_fields(blocklist)
        return replace(
            event_from_hash(code, data),
            blocklist_added=entries["added"],
            blocklist_removed=entries["removed"],
        )

    async def list_rooms(self, event_code: str) -> list[Room]:
        with translate_errors("list_rooms"):
            ids = await self._smembers(self._key(event_code, "rooms"))
            rows = await self._hgetall_many([self._key(event_code, "room", i) for i in ids])
        rooms = [room_from_hash(event_code, row) for row in rows if row]
        return sorted(rooms, key=lambda room: (room.position, room.id))

    async def get_room(self, room_id: str) -> Room | None:
        with translate_errors("get_room"):
            code = await self._room_event(room_id)
            if code is None:
                return None
            row = await self._hgetall(self._key(code, "room", room_id))
        return room_from_hash(code, row) if row else None

    async def add_room(self, room: Room) -> int:
        head = ["0", "", "", "", "", "", "", "", ""]
        await self._create_rooms(room.event_code, [room], head, [room_args(room)])
        return 1

    async def _create_rooms(
        self,
        code: str,
        rooms: Sequence[Room],
        head: list[str],
        room_arguments: Sequence[list[str]],
    ) -> None:
        _check_new_rooms(rooms)
        keys = [self._key(code, "event"), self._key(code, "rooms"), self._key(code, "claims")]
        keys += [self._key(code, "room", room.id) for room in rooms]
        args = list(head)
        for arguments in room_arguments:
            args += arguments
        with translate_errors("create rooms"):
            if not await self._claim([(self._index("room", r.id), code) for r in rooms]):
                raise DuplicateKey(f"room id of {[r.id for r in rooms]!r} already exists")
            reply = await self._run(lua.CREATE_ROOMS, keys, args)
        check_reply(reply, f"event {code!r}" if head[0] == "1" else f"room {rooms[0].id!r}")

    async def room_version(self, room_id: str) -> int:
        with translate_errors("room_version"):
            code = await self._room_event(room_id)
            version = None
            if code is not None:
                version = await self._redis().hget(self._key(code, "room", room_id), "version")
        if version is None:
            raise StoreError(f"unknown room {room_id!r}")
        return int(version)

    # --- participants -----------------------------------------------------------------------

    async def add_participant(
        self,
        event_code: str,
        participant_id: str,
        token_hash: str,
        created_at: datetime | None = None,
    ) -> None:
        keys = [
            self._key(event_code, "event"),
            self._key(event_code, "participants"),
            self._key(event_code, "tokens"),
            self._key(event_code, "joined"),
            self._key(event_code, "joins"),
        ]
        created = opt_iso(created_at) or ""
        score = "" if created_at is None else epoch_us(created_at)
        with translate_errors("add_participant"):
            reply = await self._run(
                lua.ADD_PARTICIPANT, keys, [participant_id, token_hash, created, score]
            )
        check_reply(reply, f"participant {participant_id!r} or its token")

    async def voters_created_since(self, poll_id: str, since: datetime) -> list[datetime]:
        with translate_errors("voters_created_since"):
            home = (await self._homes_of("poll", [poll_id])).get(poll_id)
            if home is None:
                return []
            code, _room_id = home
            keys = [self._key(code, "joins"), self._key(code, "ballots", poll_id)]
            found = await self._run(lua.VOTERS_SINCE, keys, [epoch_us(since)])
        return [from_epoch_us(str(score)) for score in found]

    async def set_join_code_secret(self, code: str, secret: str | None) -> None:
        with translate_errors("set_join_code_secret"):
            reply = await self._run(
                lua.SET_JOIN_CODE_SECRET, [self._key(code, "event")], [secret or ""]
            )
        check_reply(reply, f"event {code!r}")

    async def participant_by_token(self, event_code: str, token_hash: str) -> str | None:
        with translate_errors("participant_by_token"):
            found = await self._redis().hget(self._key(event_code, "tokens"), token_hash)
        return None if found is None else str(found)

    # --- polls ------------------------------------------------------------------------------

    async def add_poll(self, poll: Poll) -> int:
        fields = poll_fields(poll)
        code, room_id = poll.event_code, poll.room_id
        check_code(code)
        keys = [
            self._key(code, "event"),
            self._key(code, "room", room_id),
            self._key(code, "polls", room_id),
            self._key(code, "poll", poll.id),
            self._key(code, "claims"),
        ]
        if poll.agenda_item_id is not None:
            keys += [
                self._key(code, "item", poll.agenda_item_id),
                self._key(code, "itempolls", poll.agenda_item_id),
            ]
        home = encode_home(code, room_id)
        with translate_errors("add_poll"):
            if not await self._claim([(self._index("poll", poll.id), home)]):
                raise DuplicateKey(f"poll {poll.id!r} already exists")
            reply = await self._run(lua.ADD_POLL, keys, [poll.id, *fields])
        return int(check_reply(reply, f"poll {poll.id!r}")[1])

    async def get_poll(self, poll_id: str) -> Poll | None:
        with translate_errors("get_poll"):
            home = (await self._homes_of("poll", [poll_id])).get(poll_id)
            if home is None:
                return None
            polls = await self._read_polls(home[0], [poll_id])
        return polls[0] if polls else None

    async def list_polls(self, room_id: str) -> list[Poll]:
        with translate_errors("list_polls"):
            code = await self._room_event(room_id)
            if code is None:
                return []
            ids = await self._smembers(self._key(code, "polls", room_id))
            polls = await self._read_polls(code, sorted(ids))
        # created_at is UTC, so comparing the datetimes orders like SQLite's ISO text does.
        return sorted(polls, key=lambda poll: (poll.created_at, poll.id))

    async def _read_polls(self, code: str, ids: Sequence[str]) -> list[Poll]:
        """The polls with their hidden entries, in one round trip (missing ones left out)."""
        keys = [self._key(code, part, i) for i in ids for part in ("poll", "hidden")]
        rows = await self._hgetall_many(keys)
        pairs = zip(rows[0::2], rows[1::2], strict=True)
        return [poll_from_hash(row, hidden) for row, hidden in pairs if row]

    async def update_poll(self, poll: Poll) -> int:
        if poll.state not in POLL_STATES or poll.visibility not in VISIBILITIES:
            raise ValueError(f"poll {poll.id!r}: bad state or visibility")
        args = [
            poll.id,
            poll.state,
            poll.visibility,
            opt_iso(poll.opened_at) or "",
            opt_iso(poll.closed_at) or "",
            check_screen_results(poll.screen_results),
            flag(poll.joined_before_only),
        ]
        with translate_errors("update_poll"):
            # The room comes from the index, written when the poll was added: the argument's
            # room_id is not trusted for the version bump.
            code, room_id = await self._poll_home(poll.id)
            keys = [self._key(code, "poll", poll.id), self._key(code, "room", room_id)]
            reply = await self._run(lua.UPDATE_POLL, keys, args)
        return int(check_reply(reply, f"poll {poll.id!r}")[1])

    async def open_poll(self, poll: Poll) -> PollOpened:
        if poll.visibility not in VISIBILITIES:
            raise ValueError(f"poll {poll.id!r}: bad visibility")
        opened_at = check_opening(poll)
        head = [poll.id, poll.visibility, opened_at, check_screen_results(poll.screen_results)]
        with translate_errors("open_poll"):
            code, room_id = await self._poll_home(poll.id)
            polls_key = self._key(code, "polls", room_id)
            # The script closes the room's other open polls, so it needs every poll's key: read
            # the room's polls first; the script says 'retry' if one was added meanwhile.
            for _ in range(_OPEN_ATTEMPTS):
                ids = sorted(await self._smembers(polls_key))
                keys = [self._key(code, "poll", poll.id), self._key(code, "room", room_id)]
                keys += [polls_key, *(self._key(code, "poll", i) for i in ids)]
                reply = await self._run(lua.OPEN_POLL, keys, [*head, *ids])
                if reply[0] != "retry":
                    break
            else:
                raise StoreError(f"poll {poll.id!r}: the room's polls kept changing")
        check_reply(reply, f"poll {poll.id!r}")
        return PollOpened(int(reply[1]), tuple(sorted(str(i) for i in reply[2:])))

    async def set_hidden(
        self, poll_id: str, kind: HiddenKind, key: str, shown: str, hidden: bool
    ) -> int:
        name = hidden_field(kind, key)
        with translate_errors("set_hidden"):
            code, room_id = await self._poll_home(poll_id)
            keys = [
                self._key(code, "poll", poll_id),
                self._key(code, "room", room_id),
                self._key(code, "hidden", poll_id),
            ]
            reply = await self._run(lua.SET_HIDDEN, keys, [name, shown, flag(hidden)])
        return int(check_reply(reply, f"poll {poll_id!r}")[1])

    # --- votes ------------------------------------------------------------------------------

    async def cast_vote(
        self,
        poll_id: str,
        participant_id: str,
        ballot: Ballot,
        request_id: str | None,
    ) -> VoteOutcome:
        counters = ballot_counters(ballot)
        stored = f"{counters}|{encode_ballot(ballot)}"
        with translate_errors("cast_vote"):
            code, room_id = await self._poll_home(poll_id)
            keys = [
                self._key(code, "poll", poll_id),
                self._key(code, "room", room_id),
                self._key(code, "ballots", poll_id),
                self._key(code, "counts", poll_id),
                self._key(code, "texts", poll_id),
                self._key(code, "joined"),
            ]
            args = [participant_id, stored, counters, flag(bool(ballot.texts))]
            if request_id is None:
                reply = await self._run(lua.CAST_VOTE, keys, args)
            else:
                keys += [self._key(code, "req", participant_id), self._key(code, "voters")]
                args += [request_id, poll_id, str(REQUEST_TTL)]
                reply = await self._run_requested(lua.CAST_VOTE, code, participant_id, keys, args)
        status = reply[0]
        if status == "not_open":
            raise PollNotOpen(str(reply[1]))
        if status == "joined_after":
            raise JoinedAfterOpening()
        check_reply(reply, f"poll {poll_id!r}")
        return VoteOutcome(applied=status == "ok", version=int(reply[1]))

    async def _run_requested(
        self,
        script: lua.Lua,
        code: str,
        participant_id: str,
        keys: Sequence[str],
        args: Sequence[str],
    ) -> list[Any]:
        """Run a script that records a request id of the participant in the event (votes,
        questions, upvotes). The first time per participant and event in this process, the
        event is added to the participant's voter index in the same round trip, before the
        script: request_seen gets no poll and needs that index to find the event; the script
        cannot write it (another slot). Written first, it is there before the request id is: at
        worst it names an event where the request was refused, and request_seen then checks
        that event and answers False, which is right. SADD is idempotent and the set never
        expires, so later calls are the script alone."""
        if (participant_id, code) in self._voters:
            return await self._run(script, keys, args)
        voter = self._index("voter", participant_id)
        async with self._redis().pipeline(transaction=False) as pipe:
            pipe.sadd(voter, code)
            pipe.evalsha(script.sha, len(keys), *keys, *args)
            results = await pipe.execute(raise_on_error=False)
        if isinstance(results[0], Exception):
            raise results[0]
        reply = results[1]
        if isinstance(reply, NoScriptError):
            # The script did not run (cache empty after a restart); EVAL runs and caches it.
            reply = await self._redis().eval(script.source, len(keys), *keys, *args)
        elif isinstance(reply, Exception):
            raise reply
        if len(self._voters) >= _CACHE_LIMIT:
            self._voters.clear()
        self._voters.add((participant_id, code))
        return cast("list[Any]", reply)

    async def participant_ballots(
        self, participant_id: str, poll_ids: Sequence[str]
    ) -> Mapping[str, Ballot]:
        with translate_errors("participant_ballots"):
            homes = await self._homes_of("poll", poll_ids)
            ids = list(homes)
            async with self._redis().pipeline(transaction=False) as pipe:
                for poll_id in ids:
                    pipe.hget(self._key(homes[poll_id][0], "ballots", poll_id), participant_id)
                found = await pipe.execute()
        return {
            poll_id: decode_stored(stored)
            for poll_id, stored in zip(ids, found, strict=True)
            if stored is not None
        }

    async def request_seen(self, participant_id: str, request_id: str) -> bool:
        with translate_errors("request_seen"):
            codes = await self._smembers(self._index("voter", participant_id))
            if not codes:
                return False
            async with self._redis().pipeline(transaction=False) as pipe:
                for code in codes:
                    pipe.hexists(self._key(code, "req", participant_id), request_id)
                return any(await pipe.execute())

    async def tally(self, poll: Poll) -> Tally:
        code = poll.event_code
        ballots = self._key(code, "ballots", poll.id)
        with translate_errors("tally"):
            if poll.kind == "text":
                keys = [ballots, self._key(code, "texts", poll.id)]
                reply = await self._run(lua.TALLY_TEXT, keys, [])
                texts = (text for stored in reply[1:] for text in decode_stored(stored).texts)
                return Tally(voters=int(reply[0]), texts=tuple(texts))
            size = len(poll.options)
            if poll.kind == "scale":
                low, high = poll.scale_min, poll.scale_max
                values = range(low, high + 1) if low is not None and high is not None else ()
                names = [f"v:{value}" for value in values]
            elif poll.kind == "ranking":
                # size² counters (144 at most): still O(options), not O(voters).
                names = [f"r:{place}:{option}" for place in range(size) for option in range(size)]
            elif poll.kind == "points":
                names = [f"s:{i}" for i in range(size)] + [f"c:{i}" for i in range(size)]
            else:
                names = [f"c:{index}" for index in range(size)]
            # O(options), not O(voters). MULTI/EXEC: counts and voters from the same moment.
            async with self._redis().pipeline(transaction=True) as pipe:
                if names:
                    pipe.hmget(self._key(code, "counts", poll.id), names)
                pipe.hlen(ballots)
                results = await pipe.execute()
        counts = tuple(int(n or 0) for n in results[0]) if names else ()
        voters = int(results[-1])
        if poll.kind == "ranking":
            rows = zip(itertools.product(range(size), repeat=2), counts, strict=True)
            placements = ((place, option, n) for (place, option), n in rows if n)
            return poll_points.ranking_tally(size, placements, voters)
        if poll.kind == "points":
            return poll_points.points_tally(size, counts[:size], counts[size:], voters)
        return Tally(counts=counts, voters=voters)

    async def ballots(self, poll_ids: Sequence[str]) -> Mapping[str, Mapping[str, Ballot]]:
        ids = list(dict.fromkeys(poll_ids))
        result: dict[str, dict[str, Ballot]] = {poll_id: {} for poll_id in ids}
        with translate_errors("ballots"):
            homes = await self._homes_of("poll", ids)
            known = list(homes)
            rows = await self._hgetall_many(
                [self._key(homes[poll_id][0], "ballots", poll_id) for poll_id in known]
            )
        for poll_id, row in zip(known, rows, strict=True):
            result[poll_id] = {pid: decode_stored(stored) for pid, stored in row.items()}
        return result

    # --- helpers ----------------------------------------------------------------------------

    async def _run(self, script: lua.Lua, keys: Sequence[str], args: Sequence[str]) -> list[Any]:
        client = self._redis()
        try:
            reply = await client.evalsha(script.sha, len(keys), *keys, *args)
        except NoScriptError:
            # The server's script cache is empty (restart, failover, SCRIPT FLUSH): the script
            # did not run. EVAL runs it and caches it, so the next EVALSHA finds it.
            reply = await client.eval(script.source, len(keys), *keys, *args)
        return cast("list[Any]", reply)

    # decode_responses=True makes every reply str; redis-py's annotations say bytes | str
    # whatever the setting, hence the casts in these readers.

    async def _hgetall(self, key: str) -> dict[str, str]:
        return cast("dict[str, str]", await self._redis().hgetall(key))

    async def _smembers(self, key: str) -> set[str]:
        return cast("set[str]", await self._redis().smembers(key))

    async def _hgetall_many(self, keys: Sequence[str]) -> list[dict[str, str]]:
        if not keys:
            return []
        async with self._redis().pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hgetall(key)
            return cast("list[dict[str, str]]", await pipe.execute())

    async def _claim(self, entries: Sequence[tuple[str, str]]) -> bool:
        """Take each (index key, value) with SET NX, or find it holding this very value already:
        a claim left by an earlier attempt whose outcome is unknown (timeout, lost connection,
        crash). The script then finds the record (DuplicateKey, as for any retry of an insert
        that did happen) or creates it. False if one belongs to another record.

        Claims are never given back, even when the script refuses: an index entry that never
        changes is what makes caching it and reading it outside the script safe. A refused
        add costs one short key and that (random) id."""
        async with self._redis().pipeline(transaction=False) as pipe:
            for key, value in entries:
                pipe.set(key, value, nx=True)
            taken = await pipe.execute()
        held = [entry for entry, ok in zip(entries, taken, strict=True) if not ok]
        if not held:
            return True
        async with self._redis().pipeline(transaction=False) as pipe:
            for key, _ in held:
                pipe.get(key)
            found = await pipe.execute()
        return all(now == value for (_, value), now in zip(held, found, strict=True))

    async def _room_event(self, room_id: str) -> str | None:
        code = self._room_events.get(room_id)
        if code is None:
            found = await self._redis().get(self._index("room", room_id))
            if found is None:
                return None
            code = str(found)
            if len(self._room_events) >= _CACHE_LIMIT:
                self._room_events.clear()
            self._room_events[room_id] = code
        return code

    async def _poll_home(self, poll_id: str) -> Home:
        """(event, room) of a poll that must exist (StoreError otherwise)."""
        home = (await self._homes_of("poll", [poll_id])).get(poll_id)
        if home is None:
            raise StoreError(f"unknown poll {poll_id!r}")
        return home

    async def _homes_of(self, kind: str, ids: Sequence[str]) -> dict[str, Home]:
        """(event, room) of each known poll or question (``kind``), from the cache or in one
        round trip. Unknown ids are left out."""
        cache = self._homes[kind]
        homes = {i: cache[i] for i in ids if i in cache}
        missing = [i for i in dict.fromkeys(ids) if i not in homes]
        if missing:
            keys = [self._index(kind, i) for i in missing]
            found = cast("list[str | None]", await self._redis().mget(keys))
            if len(cache) + len(missing) > _CACHE_LIMIT:
                cache.clear()
            for ident, value in zip(missing, found, strict=True):
                if value is not None:
                    homes[ident] = cache[ident] = decode_home(value)
        return homes


def _check_new_rooms(rooms: Sequence[Room]) -> None:
    for room in rooms:
        if room.screen_poll_id is not None or room.highlighted_question_id is not None:
            # SQLite refuses it by foreign key: a new room has no polls or questions to show.
            raise StoreError(f"room {room.id!r}: a new room cannot show a poll or question")
