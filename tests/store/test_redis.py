"""Redis specifics of the store; the shared behaviour is in test_contract.py.

Tests that stop, kill or restart a server get their own from `redis_factory`; the others use the
session's throwaway server under a key prefix of their own. The machine's Redis is never used.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.crc import key_slot
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from live.domain.models import Ballot, Poll, ScreenResults
from live.redis_pool import MAX_CONNECTIONS
from live.store import (
    DataLost,
    DuplicateKey,
    PollNotOpen,
    StoreError,
    TooSoon,
    VoteOutcome,
    open_store,
)
from live.store import redis_scripts as lua
from live.store import redis_scripts_program as lua_program
from live.store.redis import REQUEST_TTL, SOCKET_TIMEOUT, RedisStore
from live.store.redis_codec import encode_home, poll_fields
from tests.store.test_contract import (
    CODE,
    T0,
    add_open_poll,
    close_poll,
    make_event,
    make_poll,
    make_question,
    make_room,
    setup_event,
)
from tests.store.test_contract_delete import fill_event
from tests.store.test_contract_program import make_agenda_item
from tests.support.redis import RedisServer
from tests.support.server import free_port

RedisFactory = Callable[[], RedisServer]
# Bounds a hang: far longer than any of the store's own timeouts (SOCKET_TIMEOUT and the like).
HANG = 6 * SOCKET_TIMEOUT


def new_store(server: RedisServer) -> RedisStore:
    return RedisStore.from_url(server.url, prefix=f"test-{uuid.uuid4().hex[:12]}")


@contextlib.asynccontextmanager
async def own_store(
    redis_factory: RedisFactory,
) -> AsyncIterator[tuple[RedisServer, RedisStore]]:
    """A store on a redis-server of its own, for tests that stop, kill or restart it."""
    server = redis_factory()
    store = new_store(server)
    await store.open()
    try:
        yield server, store
    finally:
        await store.close()


@pytest.fixture
async def store(redis_server: RedisServer) -> AsyncIterator[RedisStore]:
    store = new_store(redis_server)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def raw(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A plain client on the session server, to look at the keys the store wrote."""
    client = Redis.from_url(redis_server.url, decode_responses=True)
    try:
        yield client
    finally:
        await client.aclose()


async def info_section(url: str, section: str) -> dict[str, Any]:
    client = Redis.from_url(url, decode_responses=True)
    try:
        return dict(await client.info(section))
    finally:
        await client.aclose()


async def reset_stats(url: str) -> None:
    client = Redis.from_url(url, decode_responses=True)
    try:
        await client.config_resetstat()
    finally:
        await client.aclose()


# --- URLs and connecting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://h:6379/0", "redis://h:6379/0"),
        ("rediss://:pw@h:6380/2", "rediss://:pw@h:6380/2"),
        ("valkey://h:6379/0", "redis://h:6379/0"),
        ("valkeys://user:pw@h/1", "rediss://user:pw@h/1"),
        ("VALKEY://h", "redis://h"),
    ],
)
def test_urls(url: str, expected: str) -> None:
    assert RedisStore.from_url(url).url == expected
    if url.islower():  # open_store matches schemes case-sensitively
        store = open_store(url)
        assert isinstance(store, RedisStore) and store.url == expected


@pytest.mark.parametrize("url", ["http://h", "redis:/h", "sqlite:///x.db"])
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        RedisStore.from_url(url)


def test_a_prefix_with_a_brace_is_refused() -> None:
    with pytest.raises(ValueError):
        RedisStore("redis://h", prefix="a{b")


async def test_open_without_a_server_is_a_store_error() -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreError) as failed:
        await asyncio.wait_for(store.open(), HANG)
    # Refused at once: a connect that timed out would be a TimeoutError.
    assert isinstance(failed.value.__cause__, RedisConnectionError)
    with pytest.raises(StoreError):
        await store.ping()  # not open
    await store.close()


async def test_two_stores_share_one_server(redis_server: RedisServer) -> None:
    """Two app processes on one Redis: what one writes, the other reads."""
    first = new_store(redis_server)
    second = RedisStore.from_url(redis_server.url, prefix=first.prefix)
    await first.open()
    await second.open()
    try:
        await setup_event(first)
        poll = await add_open_poll(second, make_poll("p1"))
        one = await first.cast_vote("p1", "u1", Ballot(choices=(0,)), "q1")
        two = await second.cast_vote("p1", "u2", Ballot(choices=(0,)), "q1")
        assert two.version == one.version + 1
        assert (await second.tally(poll)).counts == (2, 0, 0)
        assert await second.request_seen("u1", "q1")
    finally:
        await first.close()
        await second.close()


# --- key layout -----------------------------------------------------------------------------


async def test_all_keys_of_an_event_share_one_hash_slot(store: RedisStore, raw: Redis) -> None:
    await setup_event(store, "r1", "r2")
    await store.create_event(make_event("OTHER"), [make_room("o1", event_code="OTHER")])
    await store.add_participant(CODE, "u1", "hash-1")
    for kind, scale in (("single", None), ("scale", (1, 5)), ("text", None)):
        poll = make_poll(f"p-{kind}", kind=kind, scale=scale)  # type: ignore[arg-type]
        await add_open_poll(store, poll)
    await store.cast_vote("p-single", "u1", Ballot(choices=(1,)), "q1")
    await store.cast_vote("p-scale", "u1", Ballot(value=3), "q2")
    await store.cast_vote("p-text", "u1", Ballot(texts=("hallo",)), None)
    await store.set_hidden("p-text", "word", "hallo", "Hallo", True)
    # Q&A: settings, questions in both rooms (one with a request id), upvotes, a highlight.
    await store.update_event_settings(CODE, questions_need_approval=False, names_allowed=True)
    await store.add_question(make_question("q1"), "ask-1", T0 - timedelta(seconds=30))
    await store.add_question(make_question("q2", room_id="r2", participant_id="u2"), None, None)
    await store.set_upvote("q1", "u2", True, "up-1")
    await store.set_upvote("q2", "u1", True, None)
    await store.set_highlight("r2", "q2")
    await store.add_question(make_question("x1", room_id="o1", event_code="OTHER"), None, None)
    # Moods (one with a request id) and applause.
    await store.set_mood("r1", "u1", 4, "mood-1", T0)
    await store.set_mood("r2", "u2", 2, None, T0)
    await store.record_applause("r1", [(T0, 0.5)])

    keys = [key async for key in raw.scan_iter(match=f"{store.prefix}:*", count=1000)]
    tagged = [key for key in keys if "{" in key]
    index = sorted(key for key in keys if "{" not in key)
    slots = {key_slot(key.encode()) for key in tagged if f"{{{CODE}}}" in key}
    assert len(slots) == 1
    assert slots == {key_slot(CODE.encode())}
    assert all(f"{{{CODE}}}" in key or "{OTHER}" in key for key in tagged)
    assert {key.split(":", 2)[2] for key in tagged if f"{{{CODE}}}" in key} >= {
        "questions:r1",
        "questions:r2",
        "question:q1",
        "question:q2",
        "upvotes:q1",
        "upvotes:q2",
        "asked:u1",
        "asked:u2",
        "req:u2",
        "moods:r1",
        "moods:r2",
        "moodlog:r1",
        "moodlog:r2",
        "applause:r1",
    }
    # The only keys outside an event: the immutable id -> event indexes, the voter index, and
    # the index of all events with its marker (redis_delete.py), and the dataset marker.
    kinds = Counter(key.split(":")[1] for key in index)
    assert kinds == Counter(
        {"room": 3, "poll": 3, "question": 3, "voter": 2, "events": 2, "dataset": 1}
    )
    # The request ids expire REQUEST_TTL after the participant's last vote, question or upvote.
    request_keys = [store._key(CODE, "req", "u1"), store._key(CODE, "req", "u2")]
    for request_key in request_keys:
        assert REQUEST_TTL - 60 < await raw.ttl(request_key) <= REQUEST_TTL
    # Everything else is kept (like the SQLite rows).
    kept = [key for key in keys if key not in request_keys]
    assert [await raw.ttl(key) for key in kept] == [-1] * len(kept)


async def test_a_refused_add_keeps_its_claim_for_the_same_record(
    store: RedisStore, raw: Redis
) -> None:
    """Index entries never change (that is what makes caching them safe): a refused add leaves
    its claim, which the same record can still use and a different one cannot."""
    await setup_event(store)
    with pytest.raises(StoreError):
        await store.add_poll(make_poll("p1", room_id="nope"))
    assert await store.get_poll("p1") is None
    assert await store.list_polls("nope") == []
    with pytest.raises(StoreError):
        await store.add_poll(make_poll("p1", room_id="nope"))  # still refused the same way
    with pytest.raises(DuplicateKey):
        await store.add_poll(make_poll("p1", room_id="r1"))  # the id is taken for "nope"
    with pytest.raises(StoreError):
        await store.add_room(make_room("r9", event_code="NOPE"))
    assert await store.get_room("r9") is None
    # A taken event code is refused before any room id is claimed.
    with pytest.raises(DuplicateKey):
        await store.create_event(make_event(), [make_room("r8")])
    assert await raw.exists(store._index("room", "r8")) == 0


async def test_a_claim_left_by_a_lost_reply_lets_the_retry_through(
    store: RedisStore, raw: Redis
) -> None:
    """A claim without its record (the reply of an add was lost, or the app crashed between
    claim and script) is invisible to readers; the same record can still be added, another
    record with that id cannot."""
    await setup_event(store)
    await raw.set(store._index("poll", "p1"), f'["{CODE}","r1"]')
    await raw.set(store._index("room", "r2"), CODE)
    assert await store.get_poll("p1") is None
    assert await store.list_polls("r1") == []
    assert await store.get_room("r2") is None
    assert await store.add_poll(make_poll("p1")) == 2
    assert await store.add_room(make_room("r2", position=1)) == 1
    assert [room.id for room in await store.list_rooms(CODE)] == ["r1", "r2"]
    # Retrying an add whose reply was lost: the record is there, DuplicateKey as in SQLite.
    with pytest.raises(DuplicateKey):
        await store.add_poll(make_poll("p1"))
    assert await raw.exists(store._index("poll", "p1")) == 1  # a duplicate keeps the claim
    await raw.set(store._index("poll", "p2"), '["OTHER","o1"]')
    with pytest.raises(DuplicateKey):
        await store.add_poll(make_poll("p2"))
    assert await raw.get(store._index("poll", "p2")) == '["OTHER","o1"]'


# --- the vote script ------------------------------------------------------------------------


async def test_a_vote_is_one_script_call(redis_factory: RedisFactory) -> None:
    async with own_store(redis_factory) as (server, store):
        await setup_event(store)
        await add_open_poll(store, make_poll("p1"))
        await store.cast_vote("p1", "u0", Ballot(choices=(0,)), None)  # caches poll -> event
        await reset_stats(server.url)
        for n in range(50):
            await store.cast_vote("p1", f"u{n}", Ballot(choices=(n % 3,)), None)
        for n in range(20):
            await store.cast_vote("p1", f"u{n}", Ballot(choices=(1,)), f"q{n}")
        for n in range(20):  # the voter index is written once per participant and event
            await store.cast_vote("p1", f"u{n}", Ballot(choices=(2,)), f"r{n}")
        stats = await info_section(server.url, "commandstats")
    calls = {name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()}
    # One EVALSHA per vote and nothing else sent for it: no index lookup (cached), no MULTI, no
    # script loading. (Redis counts the commands a script runs as well, so the script's own
    # HSET etc. show up too: 40 SADDs are the script's note of the voter in the event's voters
    # set, one per vote with a request id; the other 20 are the voter index updates sent in
    # the same round trip as each participant's first vote with a request id.)
    assert calls["evalsha"] == 90
    assert calls["sadd"] == 20 + 40
    assert not {"get", "mget", "multi", "exec", "eval", "script|load"} & calls.keys()


async def test_concurrent_mind_changes_keep_counters_equal_to_a_recount(
    redis_server: RedisServer,
) -> None:
    """2,000 votes from 500 participants, all in flight at once through two stores (two app
    processes), in no particular order per participant: whichever ballot lands last is the
    participant's, and the counters must equal a recount of the ballots that remain."""
    first = new_store(redis_server)
    second = RedisStore.from_url(redis_server.url, prefix=first.prefix)
    await first.open()
    await second.open()
    try:
        await setup_event(first)
        options = ("a", "b", "c", "d", "e")
        multiple = await add_open_poll(first, make_poll("m", kind="multiple", options=options))
        scale = await add_open_poll(first, make_poll("s", kind="scale", scale=(-2, 2)))
        text = await add_open_poll(first, make_poll("t", kind="text"))
        rng = random.Random(7)
        calls = []
        for n in range(500):
            pid = f"u{n:03d}"
            for i in range(4):
                poll_id = rng.choice(["m", "s", "t"])
                if poll_id == "m":
                    ballot = Ballot(choices=tuple(rng.sample(range(5), rng.randint(0, 5))))
                elif poll_id == "s":
                    ballot = Ballot(value=rng.randint(-2, 2))
                else:
                    ballot = Ballot(texts=(f"{pid} sagt {i}",))
                target = first if rng.random() < 0.5 else second
                request = f"{pid}-{i}" if rng.random() < 0.5 else None
                calls.append(target.cast_vote(poll_id, pid, ballot, request))
        rng.shuffle(calls)
        outcomes = await asyncio.gather(*calls)
        assert all(outcome.applied for outcome in outcomes)
        assert len({outcome.version for outcome in outcomes}) == 2000

        stored = await second.ballots(["m", "s", "t"])
        recount = Counter(c for b in stored["m"].values() for c in set(b.choices))
        tally = await first.tally(multiple)
        assert tally.counts == tuple(recount[i] for i in range(5))
        assert tally.voters == len(stored["m"])
        values = Counter(b.value for b in stored["s"].values())
        tally = await first.tally(scale)
        assert tally.counts == tuple(values[v] for v in range(-2, 3))
        assert tally.voters == len(stored["s"])
        tally = await first.tally(text)
        assert sorted(tally.texts) == sorted(t for b in stored["t"].values() for t in b.texts)
        assert tally.voters == len(stored["t"])
    finally:
        await first.close()
        await second.close()


async def test_counters_follow_a_ballot_that_changes_shape(store: RedisStore) -> None:
    """Only counters the old ballot added are taken away: an empty ballot, a repeated choice
    and a change back are all counted as a recount would."""
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1", kind="multiple"))
    for ballot in (Ballot(choices=(0, 0, 2)), Ballot(), Ballot(choices=(2,)), Ballot()):
        await store.cast_vote("p1", "u1", ballot, None)
        await store.cast_vote("p1", "u2", Ballot(choices=(2, 1)), None)
    tally = await store.tally(poll)
    assert tally.counts == (0, 1, 1) and tally.voters == 2


async def test_the_script_cache_may_be_flushed(store: RedisStore, raw: Redis) -> None:
    """After a restart or failover the server knows no scripts: EVALSHA fails with NOSCRIPT,
    the store falls back to EVAL, which caches the script again."""
    await setup_event(store)
    await add_open_poll(store, make_poll("p1"))
    await raw.script_flush()
    assert (await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "q1")).applied
    await raw.script_flush()
    assert (await store.cast_vote("p1", "u2", Ballot(choices=(0,)), None)).applied
    await raw.script_flush()
    assert (await store.tally(make_poll("p1"))).counts == (2, 0, 0)
    await raw.script_flush()
    assert (await store.add_question(make_question("q1"), "ask-1", None)).applied
    await raw.script_flush()
    assert (await store.set_upvote("q1", "u3", True, "up-1")).applied
    assert (await store.get_question("q1")) == replace(make_question("q1"), upvotes=1)


async def test_request_seen_after_the_poll_closed(store: RedisStore) -> None:
    """The voter index finds the event of an acknowledged vote, whose poll is gone from the
    call: a retry after the close is recognised, an unknown one is not."""
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "q1")
    await close_poll(store, poll)
    with pytest.raises(PollNotOpen):
        await store.cast_vote("p1", "u1", Ballot(choices=(0,)), "q2")
    assert await store.request_seen("u1", "q1")
    assert not await store.request_seen("u1", "q2")
    assert not await store.request_seen("u9", "q1")


# --- Q&A ------------------------------------------------------------------------------------


def command_calls(stats: dict[str, Any]) -> Counter[str]:
    return Counter({name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()})


async def test_a_question_and_an_upvote_are_one_script_call(redis_factory: RedisFactory) -> None:
    async with own_store(redis_factory) as (server, store):
        await setup_event(store)
        await store.add_question(make_question("q0"), None, None)
        await store.set_upvote("q0", "u0", True, None)  # caches question -> event
        await reset_stats(server.url)
        for n in range(30):  # first request id of each asker: the voter index goes along
            question = make_question(f"q{n + 1}", participant_id=f"a{n}")
            await store.add_question(question, f"ask-{n}", T0 - timedelta(seconds=30))
        for n in range(50):
            await store.set_upvote("q0", f"u{n}", True, None)
        for n in range(20):
            await store.set_upvote("q0", f"u{n}", False, f"r{n}")
        for n in range(20):
            await store.set_upvote("q0", f"u{n}", True, f"s{n}")
        stats = await info_section(server.url, "commandstats")
    calls = command_calls(stats)
    # add_question: the claim on the id (SET NX, as for add_poll) and one EVALSHA; set_upvote:
    # one EVALSHA. Redis counts the commands inside the scripts too: the SADDs are 50 + 20
    # upvotes, the voter index of the 30 askers and the 20 first requests of the upvoters,
    # and in the scripts the event's notes for delete_event: 30 claims and 30 askers, and the
    # 40 upvoters with a request id (redis_delete.py).
    assert calls["evalsha"] == 30 + 50 + 20 + 20
    assert calls["set"] == 30
    assert calls["srem"] == 20
    assert calls["sadd"] == 50 + 20 + 30 + 20 + 30 + 30 + 40
    assert not {"get", "mget", "multi", "exec", "eval", "script|load"} & calls.keys()


async def test_reading_questions_is_o_questions_not_o_upvotes(
    redis_factory: RedisFactory,
) -> None:
    async with own_store(redis_factory) as (server, store):
        await setup_event(store)
        for n in range(5):
            await store.add_question(make_question(f"q{n}"), None, None)
        for n in range(200):
            await store.set_upvote(f"q{n % 5}", f"u{n}", True, None)
        await store.list_questions("r1")  # caches room -> event
        await reset_stats(server.url)
        listed = await store.list_questions("r1")
        mine = await store.upvoted_by("u7", [f"q{n}" for n in range(5)])
        stats = await info_section(server.url, "commandstats")
    assert [q.upvotes for q in listed] == [40] * 5
    assert mine == {"q2"}
    # Less the commands of the connections that reset and read the stats.
    calls = command_calls(stats) - Counter(["config|resetstat", "hello", "client|setinfo"] * 9)
    # One ZRANGE, then one MULTI/EXEC with an HGETALL and an SCARD per question; upvoted_by is
    # one SISMEMBER per question. No upvoter set is ever read whole.
    assert calls == Counter(
        {"zrange": 1, "multi": 1, "exec": 1, "hgetall": 5, "scard": 5, "sismember": 5}
    )


async def test_events_stored_before_qa_read_with_the_default_settings(
    store: RedisStore, raw: Redis
) -> None:
    """Events and rooms written before the Q&A fields existed lack them: the settings read as
    their defaults (True, True) and there is no highlight; the first update writes them."""
    await setup_event(store)
    event_key = store._key(CODE, "event")
    await raw.hdel(event_key, "questions_need_approval", "names_allowed")
    assert sorted(await raw.hkeys(event_key)) == ["created_at", "moderator_token_hash", "title"]
    assert sorted(await raw.hkeys(store._key(CODE, "room", "r1"))) == [
        "id",
        "name",
        "position",
        "version",
    ]
    assert await store.get_event(CODE) == make_event()
    room = await store.get_room("r1")
    assert room == make_room("r1") and room.highlighted_question_id is None
    assert await store.update_event_settings(
        CODE, questions_need_approval=True, names_allowed=False
    ) == [("r1", 2)]
    assert await store.get_event(CODE) == replace(make_event(), names_allowed=False)
    assert await raw.hget(event_key, "names_allowed") == "0"


async def test_update_event_settings_catches_a_room_added_meanwhile(
    store: RedisStore, raw: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings script gets the room hashes as keys, so their ids are read first. A room
    added between that read and the script would miss its version bump: the script notices
    (another number of rooms) and the store reads the rooms again."""
    await setup_event(store, "r1", "r2")
    other = RedisStore.from_url(store.url, prefix=store.prefix)
    await other.open()
    run = store._run
    attempts: list[int] = []

    async def add_a_room_first(script: lua.Lua, keys: list[str], args: list[str]) -> list[Any]:
        if script is lua.UPDATE_EVENT_SETTINGS:
            attempts.append(len(keys) - 2)
            if len(attempts) == 1:
                await other.add_room(make_room("r0", position=-1))
        return await run(script, keys, args)

    monkeypatch.setattr(store, "_run", add_a_room_first)
    try:
        changed = await store.update_event_settings(
            CODE, questions_need_approval=False, names_allowed=False
        )
    finally:
        await other.close()
    assert attempts == [2, 3]
    assert changed == [("r0", 2), ("r1", 2), ("r2", 2)]
    assert await raw.hget(store._key(CODE, "event"), "names_allowed") == "0"


async def test_delete_question_removes_its_keys_and_keeps_its_claim(
    store: RedisStore, raw: Redis
) -> None:
    await setup_event(store)
    window = timedelta(seconds=30)
    await store.add_question(make_question("q1", participant_id="u1"), "ask-1", T0 - window)
    await store.add_question(make_question("q2", participant_id="u2"), None, None)
    await store.set_upvote("q1", "u2", True, None)
    asked = store._key(CODE, "asked", "u1")
    assert await raw.zrange(asked, 0, -1, withscores=True) == [("q1", T0.timestamp() * 1e6)]
    later = make_question("q3", participant_id="u1", created_at=T0 + timedelta(seconds=1))
    with pytest.raises(TooSoon):
        await store.add_question(later, "ask-2", later.created_at - window)

    await store.delete_question("q1")
    for gone in (
        store._key(CODE, "question", "q1"),
        store._key(CODE, "upvotes", "q1"),
        asked,  # an empty sorted set is no key
    ):
        assert await raw.exists(gone) == 0, gone
    assert await raw.zrange(store._key(CODE, "questions", "r1"), 0, -1) == ["q2"]
    assert await raw.get(store._index("question", "q1")) == f'["{CODE}","r1"]'
    # The deleted question no longer counts for the rate limit (as in SQLite).
    assert (await store.add_question(later, "ask-2", later.created_at - window)).applied
    # Its request id stays recorded: a late retry of it is still a repeat.
    assert not (await store.add_question(make_question("q9"), "ask-1", None)).applied


async def test_the_tick_reader_is_answered_while_every_request_connection_is_busy(
    redis_server: RedisServer,
) -> None:
    """The fan-out reads room state on connections of its own: a burst of votes that holds
    every pooled connection (and a queue of more waiting for one) does not hold up the read
    that updates the projector. Shares the caches and sees what the store wrote."""
    store = new_store(redis_server)
    await store.open()
    release = Redis.from_url(redis_server.url)
    try:
        await setup_event(store, "r1")
        poll = await add_open_poll(store, make_poll("p1"))
        ticks = store.tick_reader()
        wait_key = f"{store.prefix}:test-wait"

        # Every pooled connection blocks on an empty list until the test pushes to it.
        async def block() -> None:
            await store._redis().blpop([wait_key], timeout=30)

        blockers = [asyncio.create_task(block()) for _ in range(MAX_CONNECTIONS)]
        queued = asyncio.create_task(store.room_version("r1"))  # waits for a connection
        await asyncio.sleep(0.2)
        assert await ticks.room_version("r1") >= 1
        assert [p.id for p in await ticks.list_polls("r1")] == [poll.id]
        assert not queued.done()
        await release.lpush(wait_key, *range(MAX_CONNECTIONS))
        await asyncio.gather(*blockers)
        assert await queued == await ticks.room_version("r1")
    finally:
        await release.aclose()
        await store.close()
    with pytest.raises(StoreError):  # closed with the store
        await ticks.room_version("r1")


async def test_ten_thousand_concurrent_upvotes(redis_server: RedisServer) -> None:
    """10,000 upvotes with request ids from 10,000 participants on 20 questions in two rooms,
    hundreds in flight at once through two stores (two app processes), far more than their
    pools hold. Counted exactly (SCARD equals the set built here), each with a version of its
    own per room."""
    first = new_store(redis_server)
    second = RedisStore.from_url(redis_server.url, prefix=first.prefix)
    await first.open()
    await second.open()
    try:
        await setup_event(first, "r1", "r2")
        question_ids = [f"q{n:02d}" for n in range(20)]
        for n, qid in enumerate(question_ids):
            question = make_question(qid, room_id=("r1", "r2")[n % 2], participant_id=f"a{n}")
            await first.add_question(question, None, None)
        rng = random.Random(10_000)
        expected: dict[str, set[str]] = {qid: set() for qid in question_ids}
        # In flight at once: four times the connections of both pools, so calls still queue for
        # a connection. Not all 10,000: then the last ones wait for a connection as long as the
        # whole burst takes, which on a busy machine exceeded POOL_TIMEOUT ("No connection
        # available"). The test is about exact counting, not about the pool's size.
        in_flight = asyncio.Semaphore(4 * 2 * MAX_CONNECTIONS)

        async def upvote(target: RedisStore, qid: str, pid: str) -> VoteOutcome:
            async with in_flight:
                return await target.set_upvote(qid, pid, True, f"{pid}-up")

        calls = []
        for n in range(10_000):
            pid, qid = f"u{n:05d}", rng.choice(question_ids)
            expected[qid].add(pid)
            calls.append(upvote(first if n % 2 else second, qid, pid))
        started = time.perf_counter()
        outcomes = await asyncio.gather(*calls)
        elapsed = time.perf_counter() - started
        print(f"\n10,000 concurrent upvotes through two stores: {elapsed:.2f} s")
        assert all(outcome.applied for outcome in outcomes)
        versions = Counter(outcome.version for outcome in outcomes)
        # Two rooms: each version appears at most twice (once per room).
        assert max(versions.values()) <= 2 and sum(versions.values()) == 10_000
        listed = [q for room in ("r1", "r2") for q in await second.list_questions(room)]
        assert {q.id: q.upvotes for q in listed} == {q: len(v) for q, v in expected.items()}
        assert await first.room_version("r1") + await first.room_version("r2") == 2 + 20 + 10_000
    finally:
        await first.close()
        await second.close()


# --- durability and failures ----------------------------------------------------------------


async def settle() -> None:
    """Let the event loop run once the server is back. kill/start/restart block the loop, so the
    pooled connections have not yet seen the server close them; in a running app the loop
    notices at once, and the pool replaces such a connection when it hands it out."""
    await asyncio.sleep(0.1)


async def write_sample(store: RedisStore) -> Poll:
    await setup_event(store)
    await store.add_participant(CODE, "u1", "hash-1")
    poll = await add_open_poll(store, make_poll("p1"))
    for n in range(30):
        await store.cast_vote("p1", f"u{n}", Ballot(choices=(n % 3,)), f"q{n}")
    return poll


async def assert_sample(store: RedisStore, poll: Poll) -> None:
    assert await store.get_event(CODE) == make_event()
    assert await store.participant_by_token(CODE, "hash-1") == "u1"
    assert await store.get_poll("p1") == poll
    assert (await store.tally(poll)).counts == (10, 10, 10)
    assert await store.room_version("r1") == 33
    assert await store.request_seen("u7", "q7")
    repeat = await store.cast_vote("p1", "u7", Ballot(choices=(0,)), "q7")
    assert repeat.applied is False and repeat.version == 33


async def test_data_survives_a_server_restart(redis_factory: RedisFactory) -> None:
    server = redis_factory()
    store = new_store(server)
    await store.open()
    poll = await write_sample(store)
    await store.close()
    server.restart()
    reopened = RedisStore.from_url(server.url, prefix=store.prefix)
    await reopened.open()
    try:
        await assert_sample(reopened, poll)
        # The new server process has no scripts cached: the first vote loads it again.
        assert (await reopened.cast_vote("p1", "u99", Ballot(choices=(0,)), "x")).version == 34
    finally:
        await reopened.close()


async def fsync_always(server: RedisServer) -> None:
    """``appendfsync always``: Redis writes and syncs the AOF before it answers.

    With ``everysec`` (docs/deploy.md) it writes the AOF to the kernel before it answers, too,
    except while the previous second's fsync still runs on a busy disk: then it may answer for
    up to 2 s before the write, and a SIGKILL in that window loses those writes. A run of the
    suite under load lost 9 of 30 acknowledged votes that way, so the tests that kill Redis and
    then count ask for the setting that promises it."""
    client = Redis.from_url(server.url)
    try:
        await client.config_set("appendfsync", "always")
    finally:
        await client.aclose()


async def test_a_killed_server_process_loses_no_acknowledged_write(
    redis_factory: RedisFactory,
) -> None:
    """SIGKILL right after the last reply, with every write synced before its answer: nothing
    acknowledged is lost (with everysec see ``fsync_always``)."""
    async with own_store(redis_factory) as (server, store):
        await fsync_always(server)
        poll = await write_sample(store)
        server.kill()
        server.start()
        await settle()
        await assert_sample(store, poll)


async def test_a_store_keeps_working_across_a_restart(redis_factory: RedisFactory) -> None:
    """The pooled connections die with the server; the first command after the restart must
    not fail on one of them."""
    async with own_store(redis_factory) as (server, store):
        poll = await write_sample(store)
        server.restart()
        await settle()
        await assert_sample(store, poll)


async def test_a_dead_server_is_a_store_error_and_the_store_recovers(
    redis_factory: RedisFactory,
) -> None:
    async with own_store(redis_factory) as (server, store):
        await fsync_always(server)  # the data is counted again after the kill
        poll = await write_sample(store)
        server.kill()
        calls = {
            "ping": store.ping(),
            "vote": store.cast_vote("p1", "u1", Ballot(choices=(1,)), "late"),
            "tally": store.tally(poll),
            "get_event": store.get_event(CODE),
            "request_seen": store.request_seen("u1", "q1"),
            "add_poll": store.add_poll(make_poll("p2")),
        }
        for name, call in calls.items():
            with pytest.raises(StoreError) as failed:
                await asyncio.wait_for(call, HANG)
            # Refused at once, not given up after the socket timeout (a TimeoutError).
            assert isinstance(failed.value.__cause__, RedisConnectionError), name
        server.start()  # same port and directory: the AOF is replayed
        await store.ping()
        await assert_sample(store, poll)
        assert await store.add_poll(make_poll("p2")) == 34


async def test_an_unanswering_server_is_a_store_error_within_the_timeout(
    redis_factory: RedisFactory,
) -> None:
    """A server that takes the connection but never answers (here: stopped with SIGSTOP, like a
    hung host) must not hang the app: the socket timeout turns it into StoreError."""
    server = redis_factory()
    store = new_store(server)
    await store.open()
    assert server.process is not None
    try:
        await setup_event(store)
        server.process.send_signal(signal.SIGSTOP)
        with pytest.raises(StoreError) as failed:
            # HANG is far longer than SOCKET_TIMEOUT: if this bound ends the call, it raises a
            # bare TimeoutError and the test fails; the store must give up by itself.
            await asyncio.wait_for(store.get_event(CODE), HANG)
        assert isinstance(failed.value.__cause__, RedisTimeoutError)
        server.process.send_signal(signal.SIGCONT)
        assert await store.get_event(CODE) == make_event()
    finally:
        server.process.send_signal(signal.SIGCONT)
        await store.close()


# --- mood and applause --------------------------------------------------------------------


async def test_a_mood_is_one_script_call(redis_factory: RedisFactory) -> None:
    async with own_store(redis_factory) as (server, store):
        await setup_event(store)
        # Caches room -> event and loads both scripts into the server's script cache.
        await store.set_mood("r1", "u0", 3, None, T0)
        await store.record_applause("r1", [(T0, 0.25)])
        await reset_stats(server.url)
        for n in range(20):  # the first request id of each: the voter index goes along
            await store.set_mood("r1", f"u{n}", 3, f"m{n}", T0)
        for n in range(30):
            await store.set_mood("r1", f"u{n}", 4, None, T0)
        await store.record_applause("r1", [(T0 + timedelta(seconds=n), 0.5) for n in range(60)])
        stats = await info_section(server.url, "commandstats")
    calls = command_calls(stats)
    assert calls["evalsha"] == 20 + 30 + 1
    # The voter index, and the scripts' note of each requester in the event's voters set.
    assert calls["sadd"] == 20 + 20
    assert calls["zadd"] == 50
    assert not {"get", "mget", "multi", "exec", "eval", "script|load"} & calls.keys()


async def test_two_processes_record_the_same_room(redis_server: RedisServer) -> None:
    """Two app processes record applause for one room at once: every second ends with the
    larger level, exactly as sent (a float survives the round trip bit for bit)."""
    first = new_store(redis_server)
    second = RedisStore.from_url(redis_server.url, prefix=first.prefix)
    await first.open()
    await second.open()
    try:
        await setup_event(first)
        rng = random.Random(20250510)
        seconds = [T0 + timedelta(seconds=n) for n in range(100)]
        one = [(at, rng.random() / 3) for at in seconds]
        two = [(at, rng.random() / 3) for at in seconds]
        await asyncio.gather(first.record_applause("r1", one), second.record_applause("r1", two))
        expected = [(at, max(a, b)) for (at, a), (_, b) in zip(one, two, strict=True)]
        assert await first.applause_timeline("r1") == expected
        assert await second.applause_timeline("r1") == expected
    finally:
        await first.close()
        await second.close()


async def test_mood_log_orders_changes_of_one_moment_by_call(store: RedisStore) -> None:
    """The log's members start with the room version; beyond version 9 their text order is not
    the order of the calls, which must not matter."""
    await setup_event(store)
    for n in range(25):
        await store.set_mood("r1", f"u{n % 3}", n % 5 + 1, None, T0)
    assert await store.mood_log("r1") == [(T0, f"u{n % 3}", n % 5 + 1) for n in range(25)]


async def test_mood_scripts_survive_a_script_flush(store: RedisStore, raw: Redis) -> None:
    await setup_event(store)
    await raw.script_flush()
    assert (await store.set_mood("r1", "u1", 5, "m-1", T0)).applied
    await raw.script_flush()
    await store.record_applause("r1", [(T0, 1.0)])
    assert await store.mood_values("r1") == [5]
    assert await store.applause_timeline("r1") == [(T0, 1.0)]


# --- event program and data protection (issue 7) --------------------------------------------


async def dump(raw: Redis, prefix: str) -> dict[str, str]:
    """Every key under the prefix with its content as text (for "is anything left" checks)."""
    found: dict[str, str] = {}
    async for key in raw.scan_iter(match=f"{prefix}:*", count=1000):
        kind = await raw.type(key)
        if kind == "string":
            value: object = await raw.get(key)
        elif kind == "hash":
            value = sorted((await raw.hgetall(key)).items())
        elif kind == "set":
            value = sorted(await raw.smembers(key))
        elif kind == "zset":
            value = await raw.zrange(key, 0, -1, withscores=True)
        else:
            raise AssertionError(f"unexpected type {kind!r} of {key}")
        found[key] = repr(value)
    return found


async def test_delete_event_leaves_no_key_that_mentions_it(store: RedisStore, raw: Redis) -> None:
    doomed = await fill_event(store, CODE, "gone-")
    await fill_event(store, "OTHER", "kept-")
    before = await dump(raw, store.prefix)

    def mentions(key: str, value: str) -> bool:
        # Every id of the doomed event starts with "gone-" (and nothing else has that in it).
        return any(ident in key or ident in value for ident in (CODE, "gone-"))

    assert sum(mentions(k, v) for k, v in before.items()) > 40
    assert await store.delete_event(CODE) == list(doomed.rooms)
    after = await dump(raw, store.prefix)
    assert [key for key, value in after.items() if mentions(key, value)] == []
    # Everything else is exactly as it was, but the index of all events.
    events_key = store._events_key()
    assert after.pop(events_key) == repr(["OTHER"])
    assert after == {k: v for k, v in before.items() if not mentions(k, v)}


async def test_delete_event_reads_again_when_the_event_changed_meanwhile(
    store: RedisStore, raw: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The script gets every key of the event, so the event's sets are read first. A poll added
    between that read and the script would be left behind: the script notices and the store
    reads again."""
    await setup_event(store)
    other = RedisStore.from_url(store.url, prefix=store.prefix)
    await other.open()
    run = store._run
    attempts: list[int] = []

    async def add_a_poll_first(script: lua.Lua, keys: list[str], args: list[str]) -> list[Any]:
        if script is lua_program.DELETE_EVENT:
            attempts.append(len(keys))
            if len(attempts) == 1:
                await add_open_poll(other, make_poll("late"))
                await other.cast_vote("late", "u1", Ballot(choices=(0,)), "req-1")
        return await run(script, keys, args)

    await store.add_poll(make_poll("p1"))
    monkeypatch.setattr(store, "_run", add_a_poll_first)
    try:
        assert await store.delete_event(CODE) == ["r1"]
    finally:
        await other.close()
    assert len(attempts) == 2 and attempts[1] > attempts[0]
    left = await dump(raw, store.prefix)
    assert left.keys() == {store._events_key() + ":indexed", store._dataset_key()}


async def test_delete_agenda_item_reads_again_when_a_poll_was_prepared_meanwhile(
    store: RedisStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_event(store)
    await store.add_agenda_item(make_agenda_item("a1"))
    await store.add_poll(replace(make_poll("p1"), agenda_item_id="a1"))
    run = store._run
    attempts: list[int] = []

    async def prepare_a_poll_first(script: lua.Lua, keys: list[str], args: list[str]) -> list[Any]:
        if script is lua_program.DELETE_AGENDA_ITEM:
            attempts.append(len(keys) - 3)
            if len(attempts) == 1:
                await run(lua.ADD_POLL, *await _add_poll_call(store, "p2", "a1"))
        return await run(script, keys, args)

    monkeypatch.setattr(store, "_run", prepare_a_poll_first)
    await store.delete_agenda_item("a1")
    assert attempts == [1, 2]
    assert [p.agenda_item_id for p in await store.list_polls("r1")] == [None, None]


async def _add_poll_call(
    store: RedisStore, poll_id: str, item_id: str
) -> tuple[list[str], list[str]]:
    """The keys and arguments add_poll would send for a poll prepared for the item."""
    poll = replace(make_poll(poll_id), agenda_item_id=item_id)
    await store._claim([(store._index("poll", poll_id), encode_home(CODE, "r1"))])
    keys = [
        store._key(CODE, "event"),
        store._key(CODE, "room", "r1"),
        store._key(CODE, "polls", "r1"),
        store._key(CODE, "poll", poll_id),
        store._key(CODE, "claims"),
        store._key(CODE, "item", item_id),
        store._key(CODE, "itempolls", item_id),
    ]
    return keys, [poll_id, *poll_fields(poll)]


async def test_events_stored_before_the_index_are_found_after_open(
    store: RedisStore, raw: Redis
) -> None:
    """Events written before the index of all events existed: the next open adds them once."""
    await store.create_event(make_event(), [])
    await store.create_event(make_event("LATER"), [])
    await raw.delete(store._events_key(), store._events_key() + ":indexed")
    assert await store.events_ended_before(T0.date() + timedelta(days=1)) == []
    again = RedisStore.from_url(store.url, prefix=store.prefix)
    await again.open()
    try:
        assert await again.events_ended_before(T0.date() + timedelta(days=1)) == [CODE, "LATER"]
        assert await raw.get(store._events_key() + ":indexed") == "1"
        # Once only: a code removed from the index stays removed on the next open.
        await raw.srem(store._events_key(), "LATER")
    finally:
        await again.close()
    third = RedisStore.from_url(store.url, prefix=store.prefix)
    await third.open()
    try:
        assert await third.events_ended_before(T0.date() + timedelta(days=1)) == [CODE]
    finally:
        await third.close()


async def test_rooms_keep_the_default_screen_mode_as_an_absent_field(
    store: RedisStore, raw: Redis
) -> None:
    """'auto' is no field (as in rooms stored before screen modes); the other modes are."""
    await setup_event(store)
    room_key = store._key(CODE, "room", "r1")
    await store.set_screen_mode("r1", "slide", None)
    assert await raw.hget(room_key, "screen_mode") == "slide"
    await store.set_screen_mode("r1", "auto", None)
    assert await raw.hexists(room_key, "screen_mode") == 0
    assert await store.get_room("r1") == make_room("r1")


@pytest.mark.parametrize(
    ("visibility", "screen_results"),
    [("live", "live"), ("after_vote", "after_close"), ("after_close", "after_close")],
)
async def test_polls_and_ballots_stored_before_issue_17_read_as_they_behaved(
    store: RedisStore, raw: Redis, visibility: str, screen_results: ScreenResults
) -> None:
    """A poll hash without screen_results and max_answers, and a text ballot holding one
    "text": until then the phones' visibility kept results off the projector too, so that is
    what the projector keeps doing; the ballot reads as one answer."""
    await setup_event(store)
    poll = replace(make_poll("t", kind="text"), visibility=visibility)  # type: ignore[arg-type]
    opened = await add_open_poll(store, poll)
    poll_key = store._key(CODE, "poll", "t")
    await raw.hdel(poll_key, "screen_results", "max_answers")
    await store.cast_vote("t", "u1", Ballot(texts=("ersetzt",)), None)
    await raw.hset(store._key(CODE, "ballots", "t"), "u1", '|{"text":"Mehr Zeit"}')
    assert await store.get_poll("t") == replace(opened, screen_results=screen_results)
    assert (await store.tally(opened)).texts == ("Mehr Zeit",)
    assert await store.ballots(["t"]) == {"t": {"u1": Ballot(texts=("Mehr Zeit",))}}
    # The next update writes the field.
    await store.update_poll(replace(opened, screen_results="live"))
    assert await raw.hget(poll_key, "screen_results") == "live"


# --- the dataset marker: a database that lost its data is told from one that restarted ---------


async def test_every_store_on_one_database_shares_its_marker(redis_server: RedisServer) -> None:
    """Workers opening at once agree on the marker (the first one writes it); an older database
    without one (stored before the marker existed) gets one and keeps its data: no alarm."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    first = RedisStore.from_url(redis_server.url, prefix=prefix)
    await first.open()
    try:
        await setup_event(first)
        raw = Redis.from_url(redis_server.url, decode_responses=True)
        try:
            await raw.delete(f"{prefix}:dataset")  # as written before the marker existed
        finally:
            await raw.aclose()
        stores = [RedisStore.from_url(redis_server.url, prefix=prefix) for _ in range(3)]
        await asyncio.gather(*(s.open() for s in stores))
        try:
            for s in stores:
                await s.ping()
                assert await s.get_event(CODE) is not None
        finally:
            for s in stores:
                await s.close()
    finally:
        await first.close()


async def test_a_restart_with_its_aof_keeps_the_marker(redis_factory: RedisFactory) -> None:
    async with own_store(redis_factory) as (server, store):
        await fsync_always(server)
        await setup_event(store)
        server.kill()  # even a crash: the AOF has the marker like everything else
        server.start()
        await settle()
        await store.ping()
        await store.tick_reader().ping()


async def test_a_flushed_database_is_data_lost_for_every_store_opened_before(
    redis_factory: RedisFactory,
) -> None:
    async with own_store(redis_factory) as (server, store):
        await setup_event(store)
        raw = Redis.from_url(server.url)
        try:
            await raw.flushall()
            with pytest.raises(DataLost):
                await store.ping()
            with pytest.raises(DataLost):
                await store.tick_reader().ping()
            # A process started after the flush finds an empty database and marks it anew; the
            # one from before still knows its data is gone.
            later = RedisStore.from_url(server.url, prefix=store.prefix)
            await later.open()
            try:
                await later.ping()
                with pytest.raises(DataLost):
                    await store.ping()
            finally:
                await later.close()
        finally:
            await raw.aclose()
