"""SQLite backend of the Store protocol: stdlib sqlite3, WAL, one writer thread with group commit.

URLs (SQLAlchemy style: the path is everything after the third slash):

- ``sqlite:///live.db`` or ``sqlite:///data/live.db``: relative to the working directory;
  note that ``sqlite:///tmp/x.db`` therefore means ``./tmp/x.db``.
- ``sqlite:////var/lib/live/live.db``: absolute (the fourth slash is the root).
- ``sqlite://:memory:`` (or ``sqlite:///:memory:``): a private in-memory database, gone on close.

Parent directories of a database file are created on open. Threading and batching live in
sqlite_runner.py, DDL and row codecs in sqlite_schema.py; this module holds the SQL of each method.

Every write runs as one job of a group-commit batch, i.e. inside a SAVEPOINT of a
``BEGIN IMMEDIATE`` transaction: its reads and writes are atomic, and the room version it
returns is the one its own UPDATE produced.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from live.domain.models import Ballot, Event, Poll, Room, Tally
from live.store.base import DuplicateKey, PollNotOpen, StoreError, VoteOutcome
from live.store.sqlite_runner import SQLiteRunner
from live.store.sqlite_schema import (
    EVENT_COLUMNS,
    MIN_SQLITE,
    POLL_COLUMNS,
    ROOM_COLUMNS,
    decode_ballot,
    encode_ballot,
    ensure_schema,
    event_from_row,
    opt_iso,
    poll_from_row,
    poll_params,
    room_from_row,
    to_iso,
)

BATCH_LIMIT = 256  # jobs per write transaction; bounds the latency of the first job in a batch
READERS = 2  # read threads (file databases); tallies are short, two overlap a slow one
BUSY_TIMEOUT_MS = 5000  # only matters if another process opens the same file
_IN_CHUNK = 500  # ids per "IN (...)" query, well below SQLite's variable limit

Row = tuple[Any, ...]


class SQLiteStore:
    def __init__(
        self, path: Path | None, *, batch_limit: int = BATCH_LIMIT, readers: int = READERS
    ) -> None:
        """path None: in-memory database."""
        self.path = path
        self._runner = SQLiteRunner(
            self._connect, shared_reads=path is None, readers=readers, batch_limit=batch_limit
        )
        self._clock = _WriteClock()

    @classmethod
    def from_url(cls, url: str) -> SQLiteStore:
        prefix = "sqlite://"
        if not url.startswith(prefix):
            raise ValueError(f"not a sqlite URL: {url!r}")
        rest = url[len(prefix) :]
        if rest in (":memory:", "/:memory:"):
            return cls(None)
        if not rest.startswith("/") or len(rest) < 2:
            raise ValueError(f"expected sqlite:///<path> or sqlite://:memory:, got {url!r}")
        if "?" in rest:
            raise ValueError(f"sqlite URL parameters are not supported: {url!r}")
        return cls(Path(rest[1:]))

    # --- connections ------------------------------------------------------------------------

    def _connect(self, writer: bool) -> sqlite3.Connection:
        """Called on the thread that will use the connection (see SQLiteRunner)."""
        # isolation_level=None: no implicit BEGINs; the runner issues BEGIN/SAVEPOINT/COMMIT.
        if self.path is None:
            # Only the writer thread ever connects for :memory: (reads are routed to it).
            # WAL and fsync do not apply to a memory database.
            conn = sqlite3.connect(":memory:", isolation_level=None)
        else:
            if writer:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # check_same_thread=False only so that close() may close reader connections after
            # their threads have ended; each connection is still used by one thread only.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=writer)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not writer:
                conn.execute("PRAGMA query_only = ON")  # a read path that writes is a bug
                return conn
            if self.path is not None:
                # WAL: readers do not block the writer and vice versa; persistent in the file.
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchall()[0][0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"cannot enable WAL on {self.path} (journal_mode={mode})")
            # FULL: fsync the WAL on every commit, so an acknowledged vote survives power loss
            # (NORMAL, the usual WAL setting, may lose the last commits). Group commit pays for
            # it. Set at connect time: foreign_keys is silently ignored inside a transaction.
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    # --- lifecycle --------------------------------------------------------------------------

    async def open(self) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise StoreError(f"SQLite {sqlite3.sqlite_version} is too old; need {MIN_SQLITE}")
        await self._runner.start()
        try:
            await self._runner.write(ensure_schema)
        except BaseException:
            # The app does not close() a store whose open() failed: stop the threads here.
            await self._runner.stop()
            raise

    async def close(self) -> None:
        await self._runner.stop()

    async def ping(self) -> None:
        if not self._runner.alive:
            raise StoreError("the SQLite writer is not running")
        await self._runner.read(
            lambda conn: conn.execute("SELECT version FROM schema_version").fetchall()
        )

    # --- helpers for tests and diagnostics (not part of the Store protocol) ---------------

    @property
    def commits(self) -> int:
        """Write transactions committed so far (one per group-commit batch)."""
        return self._runner.commits

    async def pragmas(self) -> dict[str, Any]:
        """The settings of the write connection."""

        def work(conn: sqlite3.Connection) -> dict[str, Any]:
            names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            return {n: conn.execute(f"PRAGMA {n}").fetchall()[0][0] for n in names}

        return await self._runner.on_writer(work)

    # --- events and rooms -------------------------------------------------------------------

    async def create_event(self, event: Event, rooms: Sequence[Room]) -> None:
        for room in rooms:
            if room.event_code != event.code:
                raise ValueError(
                    f"room {room.id!r} belongs to {room.event_code!r}, not {event.code!r}"
                )

        # Encoded here, on the caller's side: a bad value fails before it reaches the writer.
        params = (event.code, event.title, to_iso(event.created_at), event.moderator_token_hash)

        def work(conn: sqlite3.Connection) -> None:
            _insert(
                conn,
                f"INSERT INTO events ({EVENT_COLUMNS}) VALUES (?, ?, ?, ?)",
                params,
                f"event {event.code!r}",
            )
            for room in rooms:
                _insert_room(conn, room)

        await self._runner.write(work)

    async def get_event(self, code: str) -> Event | None:
        row = await self._read_one(f"SELECT {EVENT_COLUMNS} FROM events WHERE code = ?", (code,))
        return None if row is None else event_from_row(row)

    async def list_rooms(self, event_code: str) -> list[Room]:
        sql = f"SELECT {ROOM_COLUMNS} FROM rooms WHERE event_code = ? ORDER BY position, id"
        return [room_from_row(r) for r in await self._read_all(sql, (event_code,))]

    async def get_room(self, room_id: str) -> Room | None:
        row = await self._read_one(f"SELECT {ROOM_COLUMNS} FROM rooms WHERE id = ?", (room_id,))
        return None if row is None else room_from_row(row)

    async def add_room(self, room: Room) -> int:
        return await self._runner.write(lambda conn: _insert_room(conn, room))

    async def set_screen_poll(self, room_id: str, poll_id: str | None) -> int:
        def work(conn: sqlite3.Connection) -> int:
            return _bump(conn, room_id, screen_poll_id=poll_id)

        return await self._runner.write(work)

    async def room_version(self, room_id: str) -> int:
        row = await self._read_one("SELECT version FROM rooms WHERE id = ?", (room_id,))
        if row is None:
            raise StoreError(f"unknown room {room_id!r}")
        return int(row[0])

    # --- participants -----------------------------------------------------------------------

    async def add_participant(self, event_code: str, participant_id: str, token_hash: str) -> None:
        def work(conn: sqlite3.Connection) -> None:
            _insert(
                conn,
                "INSERT INTO participants (event_code, participant_id, token_hash)"
                " VALUES (?, ?, ?)",
                (event_code, participant_id, token_hash),
                f"participant {participant_id!r} or its token",
            )

        await self._runner.write(work)

    async def participant_by_token(self, event_code: str, token_hash: str) -> str | None:
        row = await self._read_one(
            "SELECT participant_id FROM participants WHERE event_code = ? AND token_hash = ?",
            (event_code, token_hash),
        )
        return None if row is None else str(row[0])

    # --- polls ------------------------------------------------------------------------------

    async def add_poll(self, poll: Poll) -> int:
        params = poll_params(poll)
        marks = ", ".join("?" * len(params))

        def work(conn: sqlite3.Connection) -> int:
            _insert(
                conn,
                f"INSERT INTO polls ({POLL_COLUMNS}) VALUES ({marks})",
                params,
                f"poll {poll.id!r}",
            )
            return _bump(conn, poll.room_id)

        return await self._runner.write(work)

    async def get_poll(self, poll_id: str) -> Poll | None:
        row = await self._read_one(f"SELECT {POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,))
        return None if row is None else poll_from_row(row)

    async def list_polls(self, room_id: str) -> list[Poll]:
        sql = f"SELECT {POLL_COLUMNS} FROM polls WHERE room_id = ? ORDER BY created_at, id"
        return [poll_from_row(r) for r in await self._read_all(sql, (room_id,))]

    async def update_poll(self, poll: Poll) -> int:
        params = (poll.state, poll.visibility, opt_iso(poll.opened_at), opt_iso(poll.closed_at))

        def work(conn: sqlite3.Connection) -> int:
            # The room comes from the stored row: room_id is immutable, the argument's is not
            # trusted for the version bump.
            rows = conn.execute(
                "UPDATE polls SET state = ?, visibility = ?, opened_at = ?, closed_at = ?"
                " WHERE id = ? RETURNING room_id",
                (*params, poll.id),
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown poll {poll.id!r}")
            if poll.state == "open":
                return _bump(conn, rows[0][0], screen_poll_id=poll.id)
            return _bump(conn, rows[0][0])

        return await self._runner.write(work)

    # --- votes ------------------------------------------------------------------------------

    async def cast_vote(
        self,
        poll_id: str,
        participant_id: str,
        ballot: Ballot,
        request_id: str | None,
    ) -> VoteOutcome:
        encoded = encode_ballot(ballot)

        def work(conn: sqlite3.Connection) -> VoteOutcome:
            now = self._clock.now()  # runs on the writer thread, the clock's only user
            if request_id is not None:
                claimed = conn.execute(
                    "INSERT OR IGNORE INTO vote_requests"
                    " (participant_id, request_id, poll_id, created_at) VALUES (?, ?, ?, ?)",
                    (participant_id, request_id, poll_id, now),
                ).rowcount
                if not claimed:  # a retry of a request that was applied: change nothing
                    rows = conn.execute(
                        "SELECT r.version FROM polls p JOIN rooms r ON r.id = p.room_id"
                        " WHERE p.id = ?",
                        (poll_id,),
                    ).fetchall()
                    if not rows:
                        raise StoreError(f"unknown poll {poll_id!r}")
                    return VoteOutcome(applied=False, version=int(rows[0][0]))
            # The state check is in the same transaction as the write, so a vote racing a close
            # is ordered before or after it. Raising rolls back this job's savepoint, including
            # the request id claimed above: a retry after the poll (re)opens is not a duplicate.
            found = conn.execute(
                "SELECT state, room_id FROM polls WHERE id = ?", (poll_id,)
            ).fetchall()
            if not found:
                raise StoreError(f"unknown poll {poll_id!r}")
            state, room_id = found[0]
            if state != "open":
                raise PollNotOpen(state)
            conn.execute(
                "INSERT INTO votes (poll_id, participant_id, ballot, updated_at)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT (poll_id, participant_id)"
                " DO UPDATE SET ballot = excluded.ballot, updated_at = excluded.updated_at",
                (poll_id, participant_id, encoded, now),
            )
            return VoteOutcome(applied=True, version=_bump(conn, room_id))

        return await self._runner.write(work)

    async def tally(self, poll: Poll) -> Tally:
        # Counting happens in SQL on the read path, straight from the JSON ballots (json_each for
        # choices, json_extract for values). The alternative, a vote_choices table kept up to date
        # by cast_vote, would add a DELETE and up to n INSERTs to every vote on the single writer
        # thread, the one resource that cannot scale out; reads run on their own threads and
        # aggregate 10,000 ballots in milliseconds.
        if poll.kind == "text":
            return await self._runner.read(lambda conn: _tally_text(conn, poll.id))
        if poll.kind == "scale":
            return await self._runner.read(lambda conn: _tally_scale(conn, poll))
        return await self._runner.read(lambda conn: _tally_choices(conn, poll))

    async def participant_ballots(
        self, participant_id: str, poll_ids: Sequence[str]
    ) -> Mapping[str, Ballot]:
        ids = list(dict.fromkeys(poll_ids))[:_IN_CHUNK]
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        rows = await self._read_all(
            f"SELECT poll_id, ballot FROM votes WHERE participant_id = ? AND poll_id IN ({marks})",
            (participant_id, *ids),
        )
        return {str(poll_id): decode_ballot(ballot) for poll_id, ballot in rows}

    async def request_seen(self, participant_id: str, request_id: str) -> bool:
        row = await self._read_one(
            "SELECT 1 FROM vote_requests WHERE participant_id = ? AND request_id = ?",
            (participant_id, request_id),
        )
        return row is not None

    async def ballots(self, poll_ids: Sequence[str]) -> Mapping[str, Mapping[str, Ballot]]:
        ids = list(dict.fromkeys(poll_ids))

        def work(conn: sqlite3.Connection) -> dict[str, dict[str, Ballot]]:
            result: dict[str, dict[str, Ballot]] = {poll_id: {} for poll_id in ids}
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start : start + _IN_CHUNK]
                marks = ", ".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT poll_id, participant_id, ballot FROM votes WHERE poll_id IN ({marks})",
                    chunk,
                ).fetchall()
                for poll_id, participant_id, ballot in rows:
                    result[poll_id][participant_id] = decode_ballot(ballot)
            return result

        return await self._runner.read(work)

    # --- read helpers -----------------------------------------------------------------------

    async def _read_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return await self._runner.read(lambda conn: conn.execute(sql, params).fetchall())

    async def _read_one(self, sql: str, params: Sequence[Any]) -> Row | None:
        rows = await self._read_all(sql, params)
        return rows[0] if rows else None


class _WriteClock:
    """Timestamps for rows the writer thread writes. Strictly increasing, so "order by
    updated_at" is the order of the writes, even within one microsecond or when the wall clock
    steps back. Used by the writer thread only, hence no lock."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> str:
        now = datetime.now(UTC)
        if now <= self._last:
            now = self._last + timedelta(microseconds=1)
        self._last = now
        return to_iso(now)


def _insert(conn: sqlite3.Connection, sql: str, params: Sequence[Any], what: str) -> None:
    try:
        conn.execute(sql, params)
    except sqlite3.IntegrityError as exc:
        if exc.sqlite_errorcode in (
            sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY,
            sqlite3.SQLITE_CONSTRAINT_UNIQUE,
        ):
            raise DuplicateKey(f"{what} already exists") from exc
        raise  # e.g. a foreign key: the runner turns it into StoreError


def _insert_room(conn: sqlite3.Connection, room: Room) -> int:
    _insert(
        conn,
        f"INSERT INTO rooms ({ROOM_COLUMNS}, version) VALUES (?, ?, ?, ?, ?, 1)",
        (room.id, room.event_code, room.name, room.position, room.screen_poll_id),
        f"room {room.id!r}",
    )
    return 1


_UNCHANGED = object()


def _bump(conn: sqlite3.Connection, room_id: str, screen_poll_id: object = _UNCHANGED) -> int:
    """Increment the room's version (optionally setting its screen) and return the new one."""
    params: tuple[object, ...]
    if screen_poll_id is _UNCHANGED:
        sql, params = "UPDATE rooms SET version = version + 1 WHERE id = ?", (room_id,)
    else:
        sql = "UPDATE rooms SET version = version + 1, screen_poll_id = ? WHERE id = ?"
        params = (screen_poll_id, room_id)
    # fetchall, not fetchone: a RETURNING statement left unfinished would keep the statement
    # active and make the later RELEASE/COMMIT fail.
    rows = conn.execute(sql + " RETURNING version", params).fetchall()
    if not rows:
        raise StoreError(f"unknown room {room_id!r}")
    return int(rows[0][0])


def _tally_choices(conn: sqlite3.Connection, poll: Poll) -> Tally:
    # count(DISTINCT participant): a ballot counts once per option even if it lists it twice.
    rows = conn.execute(
        "SELECT c.value, count(DISTINCT v.participant_id)"
        " FROM votes AS v, json_each(v.ballot, '$.choices') AS c"
        " WHERE v.poll_id = ? GROUP BY c.value",
        (poll.id,),
    ).fetchall()
    counts = [0] * len(poll.options)
    for index, count in rows:
        if isinstance(index, int) and 0 <= index < len(counts):
            counts[index] = count
    voters = conn.execute("SELECT count(*) FROM votes WHERE poll_id = ?", (poll.id,)).fetchall()
    return Tally(counts=tuple(counts), voters=int(voters[0][0]))


def _tally_scale(conn: sqlite3.Connection, poll: Poll) -> Tally:
    # One query for both: the groups (including ballots without a value) sum up to the voters.
    rows = conn.execute(
        "SELECT json_extract(ballot, '$.value') AS value, count(*) FROM votes"
        " WHERE poll_id = ? GROUP BY value",
        (poll.id,),
    ).fetchall()
    low, high = poll.scale_min, poll.scale_max
    counts = [0] * (high - low + 1) if low is not None and high is not None else []
    for value, count in rows:
        if low is not None and isinstance(value, int) and 0 <= value - low < len(counts):
            counts[value - low] = count
    return Tally(counts=tuple(counts), voters=sum(count for _, count in rows))


def _tally_text(conn: sqlite3.Connection, poll_id: str) -> Tally:
    rows = conn.execute(
        "SELECT json_extract(ballot, '$.text') FROM votes WHERE poll_id = ?"
        " ORDER BY updated_at, participant_id",
        (poll_id,),
    ).fetchall()
    return Tally(voters=len(rows), texts=tuple(text for (text,) in rows if isinstance(text, str)))
