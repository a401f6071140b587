"""The data inventory (live/domain/data_inventory.py) against what the stores really write.

SQLite: the columns of a fresh database (PRAGMA table_info of every table in sqlite_master)
are exactly the inventory's. Redis: an event with every kind of content (tests/backup/content.py,
written through the Store interface) and a board in use leave only keys and named hash fields
the inventory lists, and every key pattern it lists is written. And what the page promises
about lifetimes: deleting the event leaves nothing of it in either backend, request ids and the
board's keys expire in Redis.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest
from redis.asyncio import Redis

from live.board import base as board_base
from live.board import redis as board_redis
from live.board.redis import RedisBoard
from live.domain import data_inventory as inv
from live.domain.models import Countdown, Idea, Poll, Survey
from live.store import Store, open_store
from live.store.redis import RedisStore
from live.store.redis_scripts import REQUEST_TTL
from tests.backup import content
from tests.support.redis import RedisServer

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


async def add_ideas(store: Store) -> None:
    """The idea board's content (issue 24) on top of the content event: an open board with a
    marked, upvoted idea."""
    await store.set_ideas_open("rt-plenum", True)
    idea = Idea(
        "rt-idea-1", content.CODE, "rt-plenum", "rt-person-01", "Mehr Pausen", "approved", NOW
    )
    await store.add_idea(idea, "rt-idea-req")
    await store.set_idea_upvote("rt-idea-1", "rt-person-02", True, "rt-idea-up")
    await store.set_idea_marked("rt-idea-1", True, 10)


def sqlite_columns(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        ]
        return {
            f"{table}.{row[1]}"
            for table in tables
            for row in conn.execute(f"PRAGMA table_info({table})")
        }
    finally:
        conn.close()


def table_rows(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        ]
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


async def test_every_sqlite_column_is_in_the_inventory_and_no_other(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'live.db'}")
    await store.open()
    await store.close()
    found = sqlite_columns(tmp_path / "live.db")
    assert found - set(inv.SQLITE_COLUMNS) == set(), "columns missing from the data inventory"
    assert set(inv.SQLITE_COLUMNS) - found == set(), "the inventory names columns that are gone"


async def test_deleting_the_event_leaves_only_the_schema_version_in_sqlite(
    tmp_path: Path,
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'live.db'}")
    await store.open()
    try:
        await content.build(store)
        await add_ideas(store)
        await add_survey(store)
        before = table_rows(tmp_path / "live.db")
        # The content reaches every table: otherwise the check below would prove little.
        assert [t for t, n in before.items() if n == 0] == []
        await store.delete_event(content.CODE)
    finally:
        await store.close()
    kept = {t for t, n in table_rows(tmp_path / "live.db").items() if n}
    database_tables = {c.partition(".")[0] for c in inv.sqlite_columns(inv.DATABASE)}
    assert kept == database_tables == {"schema_version"}


async def add_survey(store: Store) -> None:
    """A self-paced survey (issue 24) with one open question (the content event has none)."""
    survey = Survey(
        "rt-survey", content.CODE, "rt-plenum", "Abschluss", "draft", ("rt-sq",), content.T0
    )
    question = Poll(
        "rt-sq", content.CODE, "rt-plenum", "Gut?", "scale", (), 1, 5, "draft", "live",
        content.T0, survey_id="rt-survey",
    )  # fmt: skip
    await store.add_survey(survey, [question])
    await store.save_survey(replace(survey, state="open", opened_at=content.T0))


@pytest.fixture
async def filled_redis(redis_server: RedisServer) -> AsyncIterator[tuple[Redis, str, RedisStore]]:
    """A Redis store and board under prefixes of their own, holding the content event and a
    room's applause and presence. Yields (client, prefix, store)."""
    prefix = f"inv-{uuid.uuid4().hex[:12]}"
    store = RedisStore.from_url(redis_server.url, prefix=prefix)
    board = RedisBoard(redis_server.url, prefix=f"{prefix}:board:")
    await store.open()
    await board.open()
    client = Redis.from_url(redis_server.url, decode_responses=True)
    try:
        await content.build(store)
        await add_ideas(store)
        await add_survey(store)
        # The countdown's room fields (issue 24): paused in one room, running in the other.
        await store.set_countdown("rt-plenum", Countdown("Pause", left_ms=5000))
        await store.set_countdown("rt-saal-b", Countdown("Redezeit", ends_at=NOW))
        await board.set_grade("rt-plenum", "rt-person-01", 4, NOW)
        await board.announce("rt-plenum", ["rt-person-01", "rt-person-02"], NOW)
        yield client, prefix, store
    finally:
        await client.aclose()
        await board.close()
        await store.close()


async def _keys(client: Redis, prefix: str) -> list[str]:
    return sorted([cast("str", k) async for k in client.scan_iter(match=f"{prefix}:*")])


def _patterns(prefix: str) -> dict[str, re.Pattern[str]]:
    return {p: inv.key_pattern(p, f"{prefix}:", f"{prefix}:board:") for p in inv.REDIS_KEYS}


def _pattern_of(key: str, patterns: dict[str, re.Pattern[str]]) -> str | None:
    found = [p for p, rx in patterns.items() if rx.fullmatch(key)]
    assert len(found) <= 1, f"{key} matches several patterns: {found}"
    return found[0] if found else None


async def test_every_redis_key_and_field_is_in_the_inventory(
    filled_redis: tuple[Redis, str, RedisStore],
) -> None:
    client, prefix, _store = filled_redis
    patterns = _patterns(prefix)
    keys = await _keys(client, prefix)
    unknown = [key for key in keys if _pattern_of(key, patterns) is None]
    assert unknown == [], "Redis keys missing from the data inventory"
    seen = {_pattern_of(key, patterns) for key in keys}
    assert set(inv.REDIS_KEYS) - seen == set(), "the inventory names keys nothing writes"
    unknown_fields: set[str] = set()
    for key in keys:
        table = inv.REDIS_HASH_TABLES.get(cast("str", _pattern_of(key, patterns)))
        if table is None:
            continue
        assert await client.type(key) == "hash"
        for name in cast("list[str]", await client.hkeys(key)):
            if f"{table}.{name}" not in inv.SQLITE_COLUMNS:
                unknown_fields.add(f"{key} ({name})")
    assert unknown_fields == set(), "Redis hash fields missing from the data inventory"


async def test_redis_lifetimes_are_as_the_inventory_says(
    filled_redis: tuple[Redis, str, RedisStore],
) -> None:
    client, prefix, store = filled_redis
    patterns = _patterns(prefix)
    # The inventory's numbers are the code's.
    assert inv.REQUEST_TTL_DAYS * 24 * 3600 == REQUEST_TTL
    assert board_base.GRADE_TTL.total_seconds() == inv.GRADE_SECONDS
    assert board_base.PRESENCE_TTL.total_seconds() == inv.PRESENCE_SECONDS
    assert inv.BOARD_KEY_HOURS * 3600 == board_redis._KEY_TTL_SECONDS
    for key in await _keys(client, prefix):
        pattern = cast("str", _pattern_of(key, patterns))
        ttl = await client.ttl(key)
        if pattern.endswith(":req:<participant>"):
            assert 0 < ttl <= REQUEST_TTL, key
        elif inv.REDIS_KEYS[pattern].lifetime == "seconds":
            assert 0 < ttl <= board_redis._KEY_TTL_SECONDS, key
        else:
            assert ttl == -1, key  # kept until the event is deleted
    await store.delete_event(content.CODE)
    left = {
        cast("str", _pattern_of(key, patterns))
        for key in await _keys(client, prefix)
        if not key.startswith(f"{prefix}:board:")
    }
    assert {inv.REDIS_KEYS[p] for p in left} == {inv.DATABASE}
