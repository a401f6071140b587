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
returns is the one its own UPDATE produced. A job that raises is rolled back alone (its
savepoint), so a refused call (PollNotOpen, TooSoon, QuestionClosed, an unknown id) leaves
nothing behind, not even the request id it had claimed. (A vote checks everything before its
first write and runs without a savepoint: the same guarantee, two statements fewer.)

Unknown ids: readers answer None, [] or an empty set (get_*, list_*, upvoted_by, ballots);
writers raise StoreError ("unknown poll/room/question/event"), as for a missing foreign key.
set_highlight with a question of another room raises ValueError (a programming error: the
service checks the room first).

Request ids: votes, questions, upvotes and moods claim (participant_id, request_id) in the one
table vote_requests, so they share one namespace per participant and request_seen answers for
all of them. The claim is the first write of the job; a repeat returns VoteOutcome(applied=False,
version=<the room's current version>) before anything else is checked.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import orjson

from live.domain import poll_points
from live.domain.models import Ballot, Event, HiddenKind, Poll, Question, Room, Tally
from live.store.base import (
    QUESTION_FIELDS,
    MergeRefused,
    PollOpened,
    QuestionClosed,
    StoreError,
    TooSoon,
    VoteOutcome,
)
from live.store.sqlite_blocklist import SQLiteBlocklist
from live.store.sqlite_brand import SQLiteBrand
from live.store.sqlite_ideas import SQLiteIdeas
from live.store.sqlite_lock import FileLock, InUse, lock_path
from live.store.sqlite_program import SQLiteProgram
from live.store.sqlite_runner import GroupWork, SQLiteRunner
from live.store.sqlite_schema import (
    EVENT_COLUMNS,
    EVENT_READ_COLUMNS,
    MIN_SQLITE,
    POLL_COLUMNS,
    QUESTION_COLUMNS,
    QUESTION_MERGE_COLUMNS,
    ROOM_COLUMNS,
    ROOM_SELECT,
    applause_seconds,
    check_hidden_kind,
    check_mood,
    check_opening,
    check_pace,
    check_screen_results,
    decode_ballot,
    encode_ballot,
    ensure_schema,
    event_from_row,
    event_params,
    from_iso,
    opt_iso,
    poll_from_row,
    poll_params,
    question_from_row,
    question_params,
    room_from_row,
    room_params,
    to_iso,
)
from live.store.sqlite_sql import bump as _bump
from live.store.sqlite_sql import bump_event_rooms
from live.store.sqlite_sql import claim_request as _claim_request
from live.store.sqlite_sql import insert as _insert
from live.store.sqlite_sql import version as _version
from live.store.sqlite_surveys import SQLiteSurveys
from live.store.sqlite_transfer import SQLiteTransfer
from live.store.sqlite_votes import VoteItem, cast_votes

# Jobs per write transaction; bounds the latency of the first job in a batch. Votes are written
# a batch at a time (live/store/sqlite_votes.py): 1,024 of them take a few milliseconds, and a
# burst of 5,000 a second waited for a commit (an fsync) per 256 before (docs/benchmarks.md).
BATCH_LIMIT = 1024
READERS = 2  # read threads (file databases); tallies are short, two overlap a slow one
BUSY_TIMEOUT_MS = 5000  # only matters if another process opens the same file
_IN_CHUNK = 500  # ids per "IN (...)" query, well below SQLite's variable limit
UPVOTABLE = ("approved", "answered")  # question states in which upvotes may change

# A question with its upvote count. count(*) over the upvotes primary key (question_id first) is
# a range scan of that question's entries only; see set_upvote for why there is no counter.
_QUESTION_SELECT = (
    f"SELECT {QUESTION_COLUMNS}, {QUESTION_MERGE_COLUMNS},"
    " (SELECT count(*) FROM upvotes WHERE upvotes.question_id = questions.id)"
    " FROM questions"
)

Row = tuple[Any, ...]


class SQLiteStore(
    SQLiteProgram, SQLiteBrand, SQLiteBlocklist, SQLiteTransfer, SQLiteIdeas, SQLiteSurveys
):
    def __init__(
        self, path: Path | None, *, batch_limit: int = BATCH_LIMIT, readers: int = READERS
    ) -> None:
        """path None: in-memory database."""
        self.path = path
        self._runner = SQLiteRunner(
            self._connect, shared_reads=path is None, readers=readers, batch_limit=batch_limit
        )
        self._clock = _WriteClock()
        # One object for every vote: the runner groups neighbouring jobs by it.
        self._cast_votes: GroupWork = functools.partial(cast_votes, now=self._clock.now)
        self._in_use: FileLock | None = None  # the shared lock of a file database (open)

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
        if self.path is not None:
            try:
                self._in_use = FileLock(self.path, exclusive=False)
            except InUse:
                raise StoreError(
                    f"{self.path} is being restored (live restore); start again when it is done"
                ) from None
            except OSError as exc:
                raise StoreError(f"cannot open {lock_path(self.path)}: {exc}") from exc
        try:
            await self._runner.start()
        except BaseException:
            self._release()
            raise
        try:
            await self._runner.write(ensure_schema)
        except BaseException:
            # The app does not close() a store whose open() failed: stop the threads here.
            await self._runner.stop()
            self._release()
            raise

    async def close(self) -> None:
        await self._runner.stop()
        self._release()

    def _release(self) -> None:
        lock, self._in_use = self._in_use, None
        if lock is not None:
            lock.release()

    def tick_reader(self) -> SQLiteStore:
        return self  # reads run on their own threads, apart from the writer's queue

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
        params = event_params(event)
        marks = ", ".join("?" * len(params))

        def work(conn: sqlite3.Connection) -> None:
            _insert(
                conn,
                f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({marks})",
                params,
                f"event {event.code!r}",
            )
            for room in rooms:
                _insert_room(conn, room)

        await self._runner.write(work)

    async def get_event(self, code: str) -> Event | None:
        def read(conn: sqlite3.Connection) -> Event | None:
            # One job, so the event and its blocklist are of the same snapshot.
            rows = conn.execute(
                f"SELECT {EVENT_READ_COLUMNS} FROM events WHERE code = ?", (code,)
            ).fetchall()
            if not rows:
                return None
            entries = conn.execute(
                "SELECT kind, shown FROM event_blocklist WHERE event_code = ? ORDER BY kind, entry",
                (code,),
            ).fetchall()
            return event_from_row(rows[0], entries)

        return await self._runner.read(read)

    async def list_rooms(self, event_code: str) -> list[Room]:
        sql = f"SELECT {ROOM_SELECT} FROM rooms WHERE event_code = ? ORDER BY position, id"
        return [room_from_row(r) for r in await self._read_all(sql, (event_code,))]

    async def get_room(self, room_id: str) -> Room | None:
        row = await self._read_one(f"SELECT {ROOM_SELECT} FROM rooms WHERE id = ?", (room_id,))
        return None if row is None else room_from_row(row)

    async def add_room(self, room: Room) -> int:
        return await self._runner.write(lambda conn: _insert_room(conn, room))

    async def room_version(self, room_id: str) -> int:
        row = await self._read_one("SELECT version FROM rooms WHERE id = ?", (room_id,))
        if row is None:
            raise StoreError(f"unknown room {room_id!r}")
        return int(row[0])

    async def update_event_settings(
        self, code: str, *, questions_need_approval: bool, names_allowed: bool
    ) -> list[tuple[str, int]]:
        """One transaction: the two settings, then version + 1 for every room of the event.
        Returns [(room_id, new_version)] by room position ([] for an event without rooms).
        StoreError for an unknown event."""
        params = (int(questions_need_approval), int(names_allowed), code)

        def work(conn: sqlite3.Connection) -> list[tuple[str, int]]:
            found = conn.execute(
                "UPDATE events SET questions_need_approval = ?, names_allowed = ?"
                " WHERE code = ? RETURNING code",
                params,
            ).fetchall()
            if not found:
                raise StoreError(f"unknown event {code!r}")
            return bump_event_rooms(conn, code)

        return await self._runner.write(work)

    # --- participants -----------------------------------------------------------------------

    async def add_participant(
        self,
        event_code: str,
        participant_id: str,
        token_hash: str,
        created_at: datetime | None = None,
    ) -> None:
        created = opt_iso(created_at)

        def work(conn: sqlite3.Connection) -> None:
            _insert(
                conn,
                "INSERT INTO participants (event_code, participant_id, token_hash, created_at)"
                " VALUES (?, ?, ?, ?)",
                (event_code, participant_id, token_hash, created),
                f"participant {participant_id!r} or its token",
            )

        await self._runner.write(work)

    async def voters_created_since(self, poll_id: str, since: datetime) -> list[datetime]:
        """Through participants_by_join: only the identities created since ``since`` are
        looked at, each probed in the poll's votes (its primary key)."""
        rows = await self._read_all(
            "SELECT pa.created_at FROM polls p"
            " JOIN participants pa ON pa.event_code = p.event_code AND pa.created_at >= ?"
            " JOIN votes v ON v.poll_id = p.id AND v.participant_id = pa.participant_id"
            " WHERE p.id = ? ORDER BY pa.created_at",
            (to_iso(since), poll_id),
        )
        return [from_iso(row[0]) for row in rows]

    async def set_join_code_secret(self, code: str, secret: str | None) -> None:
        def work(conn: sqlite3.Connection) -> None:
            found = conn.execute(
                "UPDATE events SET join_code_secret = ? WHERE code = ? RETURNING code",
                (secret, code),
            ).fetchall()
            if not found:
                raise StoreError(f"unknown event {code!r}")

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
            if poll.agenda_item_id is not None:
                # The foreign key only knows the item exists; it must be one of this event's
                # (as in Redis, where another event's item is simply not found).
                rows = conn.execute(
                    "SELECT 1 FROM agenda_items WHERE id = ? AND event_code = ?",
                    (poll.agenda_item_id, poll.event_code),
                ).fetchall()
                if not rows:
                    raise StoreError(f"unknown agenda item {poll.agenda_item_id!r}")
            _insert(
                conn,
                f"INSERT INTO polls ({POLL_COLUMNS}) VALUES ({marks})",
                params,
                f"poll {poll.id!r}",
            )
            return _bump(conn, poll.room_id)

        return await self._runner.write(work)

    async def get_poll(self, poll_id: str) -> Poll | None:
        polls = await self._runner.read(lambda conn: _read_polls(conn, "id", poll_id))
        return polls[0] if polls else None

    async def list_polls(self, room_id: str) -> list[Poll]:
        return await self._runner.read(lambda conn: _read_polls(conn, "room_id", room_id))

    async def update_poll(self, poll: Poll) -> int:
        params = (
            poll.state,
            poll.visibility,
            check_screen_results(poll.screen_results),
            opt_iso(poll.opened_at),
            opt_iso(poll.closed_at),
            int(poll.joined_before_only),
        )

        def work(conn: sqlite3.Connection) -> int:
            # The room comes from the stored row: room_id is immutable, the argument's is not
            # trusted for the version bump.
            rows = conn.execute(
                "UPDATE polls SET state = ?, visibility = ?, screen_results = ?, opened_at = ?,"
                " closed_at = ?, joined_before_only = ? WHERE id = ? RETURNING room_id",
                (*params, poll.id),
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown poll {poll.id!r}")
            if poll.state == "open":
                # On the projector in the same step, and the room's screen back to "auto"
                # (whatever the moderator had chosen, the opened poll is what it shows now).
                return _bump(conn, rows[0][0], screen_poll_id=poll.id, screen_mode="auto")
            return _bump(conn, rows[0][0])

        return await self._runner.write(work)

    async def open_poll(self, poll: Poll) -> PollOpened:
        """One job: store the poll, then (unless the room allows parallel polls) close the
        room's other open polls, then point the screen at the poll and bump the version. The
        single writer runs jobs one after another, so of two opens at the same moment the
        second sees the first one's poll open and closes it."""
        opened_at = check_opening(poll)
        params = (
            poll.visibility,
            check_screen_results(poll.screen_results),
            opened_at,
            opt_iso(poll.closed_at),
        )

        def work(conn: sqlite3.Connection) -> PollOpened:
            rows = conn.execute(
                "UPDATE polls SET state = 'open', visibility = ?, screen_results = ?,"
                " opened_at = ?, closed_at = ? WHERE id = ? RETURNING room_id",
                (*params, poll.id),
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown poll {poll.id!r}")
            room_id = rows[0][0]
            closed: list[str] = []
            # The room exists: the poll's row refers to it (a foreign key).
            parallel = conn.execute(
                "SELECT parallel_polls FROM rooms WHERE id = ?", (room_id,)
            ).fetchall()[0][0]
            if not parallel:
                closed = [
                    str(other)
                    for (other,) in conn.execute(
                        # A survey's questions open and close with their survey only.
                        "UPDATE polls SET state = 'closed', closed_at = ?"
                        " WHERE room_id = ? AND state = 'open' AND id != ?"
                        " AND survey_id IS NULL RETURNING id",
                        (opened_at, room_id, poll.id),
                    ).fetchall()
                ]
            version = _bump(conn, room_id, screen_poll_id=poll.id, screen_mode="auto")
            return PollOpened(version, tuple(sorted(closed)))

        return await self._runner.write(work)

    async def set_hidden(
        self, poll_id: str, kind: HiddenKind, key: str, shown: str, hidden: bool
    ) -> int:
        check_hidden_kind(kind)

        def work(conn: sqlite3.Connection) -> int:
            rows = conn.execute("SELECT room_id FROM polls WHERE id = ?", (poll_id,)).fetchall()
            if not rows:
                raise StoreError(f"unknown poll {poll_id!r}")
            if hidden:
                # The latest spelling is the one listed (the key is the same).
                conn.execute(
                    "INSERT INTO poll_hidden (poll_id, kind, entry, shown) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (poll_id, kind, entry) DO UPDATE SET shown = excluded.shown",
                    (poll_id, kind, key, shown),
                )
            else:
                conn.execute(
                    "DELETE FROM poll_hidden WHERE poll_id = ? AND kind = ? AND entry = ?",
                    (poll_id, kind, key),
                )
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
        # Written together with the votes queued beside it (live/store/sqlite_votes.py): a
        # burst of votes is the hot path, and the writer's statements its cost.
        item = VoteItem(poll_id, participant_id, encode_ballot(ballot), request_id)
        return cast("VoteOutcome", await self._runner.write_grouped(self._cast_votes, item))

    # --- questions (Q&A) --------------------------------------------------------------------

    async def add_question(
        self, question: Question, request_id: str | None, not_before: datetime | None
    ) -> VoteOutcome:
        """One job: look up the room (StoreError if unknown, ValueError if it is in another
        event); claim the request id (a repeat: applied=False, nothing else checked, so the retry
        of an acknowledged question is never TooSoon); the rate limit (an indexed probe of
        questions_by_author: any question of this participant in this event with
        created_at >= not_before raises TooSoon, which rolls the claim back); INSERT
        (DuplicateKey for a taken id); version + 1. Deleted questions no longer count for the
        rate limit."""
        params = question_params(question)
        marks = ", ".join("?" * len(params))
        since = opt_iso(not_before)
        author, event_code = question.participant_id, question.event_code

        def work(conn: sqlite3.Connection) -> VoteOutcome:
            rows = conn.execute(
                "SELECT event_code, version FROM rooms WHERE id = ?", (question.room_id,)
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown room {question.room_id!r}")
            if rows[0][0] != event_code:
                raise ValueError(
                    f"room {question.room_id!r} belongs to {rows[0][0]!r}, not {event_code!r}"
                )
            if request_id is not None:
                now = self._clock.now()
                if not _claim_request(conn, author, request_id, question.id, now):
                    return VoteOutcome(applied=False, version=int(rows[0][1]))
            if since is not None:
                recent = conn.execute(
                    "SELECT 1 FROM questions"
                    " WHERE event_code = ? AND participant_id = ? AND created_at >= ? LIMIT 1",
                    (event_code, author, since),
                ).fetchall()
                if recent:
                    raise TooSoon(f"{author!r} asked a question in {event_code!r} since {since}")
            _insert(
                conn,
                f"INSERT INTO questions ({QUESTION_COLUMNS}) VALUES ({marks})",
                params,
                f"question {question.id!r}",
            )
            return VoteOutcome(applied=True, version=_bump(conn, question.room_id))

        return await self._runner.write(work)

    async def get_question(self, question_id: str) -> Question | None:
        row = await self._read_one(f"{_QUESTION_SELECT} WHERE id = ?", (question_id,))
        return None if row is None else question_from_row(row)

    async def list_questions(self, room_id: str) -> list[Question]:
        """Oldest first (created_at, then id), every state; [] for an unknown room."""
        sql = (
            f"{_QUESTION_SELECT} WHERE room_id = ? AND merged_into IS NULL ORDER BY created_at, id"
        )
        return [question_from_row(r) for r in await self._read_all(sql, (room_id,))]

    async def set_question_labels(self, code: str, labels: Sequence[str]) -> list[tuple[str, int]]:
        """One transaction: the list, then version + 1 for every room of the event."""
        encoded = orjson.dumps(list(labels)).decode()

        def work(conn: sqlite3.Connection) -> list[tuple[str, int]]:
            found = conn.execute(
                "UPDATE events SET question_labels = ? WHERE code = ? RETURNING code",
                (encoded, code),
            ).fetchall()
            if not found:
                raise StoreError(f"unknown event {code!r}")
            return bump_event_rooms(conn, code)

        return await self._runner.write(work)

    async def set_screen_label(self, room_id: str, label: str | None) -> int:
        return await self._runner.write(lambda conn: _bump(conn, room_id, screen_label=label))

    async def merged_questions(self, room_id: str) -> list[Question]:
        sql = (
            f"{_QUESTION_SELECT} WHERE room_id = ? AND merged_into IS NOT NULL"
            " ORDER BY created_at, id"
        )
        return [question_from_row(r) for r in await self._read_all(sql, (room_id,))]

    async def merge_questions(self, target_id: str, source_id: str) -> int | None:
        """One job: read both (StoreError / MergeRefused), copy source's upvoters to target
        (INSERT OR IGNORE: the primary key keeps a participant once; source keeps its own for
        split_question), note the merge and the co-authors, move a highlight, version + 1."""

        def work(conn: sqlite3.Connection) -> int | None:
            found = {
                row[0]: row[1:]
                for row in conn.execute(
                    "SELECT id, room_id, participant_id, merged_into, co_authors FROM questions"
                    " WHERE id IN (?, ?)",
                    (target_id, source_id),
                ).fetchall()
            }
            for question_id in (target_id, source_id):
                if question_id not in found:
                    raise StoreError(f"unknown question {question_id!r}")
            room_id, target_author, target_merged, target_co = found[target_id]
            source_room, source_author, source_merged, source_co = found[source_id]
            if target_id == source_id:
                raise MergeRefused("self")
            if room_id != source_room:
                raise MergeRefused("other_room")
            if source_merged == target_id:
                return None
            if source_merged is not None or target_merged is not None:
                raise MergeRefused("merged")
            conn.execute(
                "INSERT OR IGNORE INTO upvotes (question_id, participant_id)"
                " SELECT ?, participant_id FROM upvotes WHERE question_id = ?",
                (target_id, source_id),
            )
            authors = {*orjson.loads(target_co), *orjson.loads(source_co), source_author}
            authors.discard(target_author)
            conn.execute(
                "UPDATE questions SET co_authors = ? WHERE id = ?",
                (orjson.dumps(sorted(authors)).decode(), target_id),
            )
            conn.execute(
                "UPDATE questions SET merged_into = ? WHERE id = ?", (target_id, source_id)
            )
            conn.execute(
                "UPDATE rooms SET highlighted_question_id = ? WHERE highlighted_question_id = ?",
                (target_id, source_id),
            )
            return _bump(conn, room_id)

        return await self._runner.write(work)

    async def split_question(self, question_id: str) -> int | None:
        """One job: read it and the question it went into, take the merge back, derive the
        target's co-authors from its remaining duplicates, version + 1."""

        def work(conn: sqlite3.Connection) -> int | None:
            rows = conn.execute(
                "SELECT room_id, merged_into FROM questions WHERE id = ?", (question_id,)
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown question {question_id!r}")
            room_id, target_id = rows[0]
            if target_id is None:
                return None
            target = conn.execute(
                "SELECT participant_id, merged_into FROM questions WHERE id = ?", (target_id,)
            ).fetchall()
            if target and target[0][1] is not None:
                raise MergeRefused("target_merged")
            conn.execute("UPDATE questions SET merged_into = NULL WHERE id = ?", (question_id,))
            if target:  # a deleted target leaves nothing to correct
                authors: set[str] = set()
                for author, co_authors in conn.execute(
                    "SELECT participant_id, co_authors FROM questions WHERE merged_into = ?",
                    (target_id,),
                ).fetchall():
                    authors |= {author, *orjson.loads(co_authors)}
                authors.discard(target[0][0])
                conn.execute(
                    "UPDATE questions SET co_authors = ? WHERE id = ?",
                    (orjson.dumps(sorted(authors)).decode(), target_id),
                )
            return _bump(conn, room_id)

        return await self._runner.write(work)

    async def update_question(
        self, question: Question, fields: Collection[str] = QUESTION_FIELDS
    ) -> int:
        """StoreError for an unknown question. The room bumped is the stored one."""
        chosen = [f for f in QUESTION_FIELDS if f in fields]  # a fixed list: safe in SQL
        assignments = ", ".join(f"{f} = ?" for f in chosen) or "id = id"
        params = (*(getattr(question, f) for f in chosen), question.id)

        def work(conn: sqlite3.Connection) -> int:
            rows = conn.execute(
                f"UPDATE questions SET {assignments} WHERE id = ? RETURNING room_id",
                params,
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown question {question.id!r}")
            return _bump(conn, rows[0][0])

        return await self._runner.write(work)

    async def delete_question(self, question_id: str) -> int:
        """One job: its upvotes, a highlight pointing at it, the question, version + 1.
        StoreError for an unknown question (e.g. deleted already). Request ids that referred to
        it stay claimed: a late retry is still a repeat."""

        def work(conn: sqlite3.Connection) -> int:
            rows = conn.execute(
                "SELECT room_id FROM questions WHERE id = ?", (question_id,)
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown question {question_id!r}")
            conn.execute("DELETE FROM upvotes WHERE question_id = ?", (question_id,))
            # By the question, not the room: the foreign key would refuse the DELETE below
            # while any room still pointed at it (set_highlight keeps it to its own room).
            conn.execute(
                "UPDATE rooms SET highlighted_question_id = NULL WHERE highlighted_question_id = ?",
                (question_id,),
            )
            conn.execute("DELETE FROM questions WHERE id = ?", (question_id,))
            return _bump(conn, rows[0][0])

        return await self._runner.write(work)

    async def set_highlight(self, room_id: str, question_id: str | None) -> int:
        """StoreError for an unknown room or question; ValueError for a question of another
        room."""

        def work(conn: sqlite3.Connection) -> int:
            if question_id is not None:
                rows = conn.execute(
                    "SELECT room_id FROM questions WHERE id = ?", (question_id,)
                ).fetchall()
                if not rows:
                    raise StoreError(f"unknown question {question_id!r}")
                if rows[0][0] != room_id:
                    raise ValueError(
                        f"question {question_id!r} is in room {rows[0][0]!r}, not {room_id!r}"
                    )
            return _bump(conn, room_id, highlighted_question_id=question_id)

        return await self._runner.write(work)

    async def set_upvote(
        self, question_id: str, participant_id: str, up: bool, request_id: str | None
    ) -> VoteOutcome:
        """One job: read the question's state and room (StoreError if unknown); claim the
        request id (a repeat: applied=False); QuestionClosed unless the state is approved or
        answered (rolls the claim back); INSERT OR IGNORE (up) or DELETE (withdraw) of the
        (question, participant) row; version + 1.

        Upvotes are set membership, counted with count(*) on the read path; there is no
        counter column. A counter kept in the same job would be just as exact (the writer is
        single-threaded and the counter would only move when INSERT OR IGNORE / DELETE changed
        a row), but it costs every upvote a second row write on the one writer thread, and it is
        derived data that can drift from the set if anything else (a migration, a repair by
        hand) touches upvotes. Counting reads only the question's own primary-key range, on the
        reader threads, and a room's list counts thousands of upvotes in a millisecond or two."""

        def work(conn: sqlite3.Connection) -> VoteOutcome:
            rows = conn.execute(
                "SELECT state, room_id, merged_into FROM questions WHERE id = ?", (question_id,)
            ).fetchall()
            if not rows:
                raise StoreError(f"unknown question {question_id!r}")
            state, room_id, merged_into = rows[0]
            if merged_into is not None:
                state = "merged"  # its upvotes went to the question it was merged into
            if request_id is not None:
                now = self._clock.now()
                if not _claim_request(conn, participant_id, request_id, question_id, now):
                    return VoteOutcome(applied=False, version=_version(conn, room_id))
            # Checked in the same job as the write: an upvote racing a hide is ordered before
            # it (and counted) or after it (and refused).
            if state not in UPVOTABLE:
                raise QuestionClosed(state)
            if up:
                conn.execute(
                    "INSERT OR IGNORE INTO upvotes (question_id, participant_id) VALUES (?, ?)",
                    (question_id, participant_id),
                )
            else:
                conn.execute(
                    "DELETE FROM upvotes WHERE question_id = ? AND participant_id = ?",
                    (question_id, participant_id),
                )
            return VoteOutcome(applied=True, version=_bump(conn, room_id))

        return await self._runner.write(work)

    async def upvoted_by(self, participant_id: str, question_ids: Sequence[str]) -> set[str]:
        """Unknown ids are simply not in the answer. Any number of ids (queried in chunks)."""
        ids = list(dict.fromkeys(question_ids))

        def work(conn: sqlite3.Connection) -> set[str]:
            found: set[str] = set()
            for start in range(0, len(ids), _IN_CHUNK):
                chunk = ids[start : start + _IN_CHUNK]
                marks = ", ".join("?" * len(chunk))
                # One primary-key probe per id: (question_id, participant_id).
                rows = conn.execute(
                    f"SELECT question_id FROM upvotes"
                    f" WHERE participant_id = ? AND question_id IN ({marks})",
                    (participant_id, *chunk),
                ).fetchall()
                found.update(str(question_id) for (question_id,) in rows)
            return found

        if not ids:
            return set()
        return await self._runner.read(work)

    # --- mood barometer and applause timeline ----------------------------------------------

    async def set_mood(
        self, room_id: str, participant_id: str, value: int, request_id: str | None, at: datetime
    ) -> VoteOutcome:
        """One job: the room's version (StoreError if unknown); claim the request id (subject:
        the room; a repeat: applied=False); upsert the current mood; append to the mood log;
        version + 1. ValueError for a value outside 1..5 (before anything is written)."""
        check_mood(value)
        return await self._set_signal(
            "INSERT INTO moods (room_id, participant_id, value, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (room_id, participant_id)"
            " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            "INSERT INTO mood_log (room_id, at, participant_id, value) VALUES (?, ?, ?, ?)",
            (room_id, participant_id, value, request_id, at),
        )

    async def _set_signal(
        self,
        upsert_sql: str,
        log_sql: str,
        signal: tuple[str, str, int | str, str | None, datetime],
    ) -> VoteOutcome:
        """A participant's signal to the room (mood, pace) in one job: the room's version
        (StoreError if unknown); claim the request id (subject: the room; a repeat:
        applied=False); ``upsert_sql`` the current value (room, participant, value, at);
        ``log_sql`` appends it (room, at, participant, value); version + 1."""
        room_id, participant_id, value, request_id, at = signal
        at_iso = to_iso(at)

        def work(conn: sqlite3.Connection) -> VoteOutcome:
            version = _version(conn, room_id)
            if request_id is not None:
                now = self._clock.now()
                if not _claim_request(conn, participant_id, request_id, room_id, now):
                    return VoteOutcome(applied=False, version=version)
            conn.execute(upsert_sql, (room_id, participant_id, value, at_iso))
            conn.execute(log_sql, (room_id, at_iso, participant_id, value))
            return VoteOutcome(applied=True, version=_bump(conn, room_id))

        return await self._runner.write(work)

    async def mood_values(self, room_id: str) -> list[int]:
        """By participant id; [] for an unknown room."""
        rows = await self._read_all(
            "SELECT value FROM moods WHERE room_id = ? ORDER BY participant_id", (room_id,)
        )
        return [int(value) for (value,) in rows]

    async def mood_log(self, room_id: str) -> list[tuple[datetime, str, int]]:
        """By at, then in the order of the writes (rowid); [] for an unknown room."""
        rows = await self._read_all(
            "SELECT at, participant_id, value FROM mood_log WHERE room_id = ? ORDER BY at, rowid",
            (room_id,),
        )
        return [(from_iso(at), str(pid), int(value)) for at, pid, value in rows]

    # --- pace and technics feedback ------------------------------------------------------------

    async def set_pace(
        self, room_id: str, participant_id: str, value: str, request_id: str | None, at: datetime
    ) -> VoteOutcome:
        """Like set_mood: claim the request id (a repeat: applied=False), upsert the latest
        signal, append to the pace log, version + 1. ValueError for a value outside
        live.domain.pace.VALUES (before anything is written)."""
        check_pace(value)
        return await self._set_signal(
            "INSERT INTO pace (room_id, participant_id, value, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (room_id, participant_id)"
            " DO UPDATE SET value = excluded.value, at = excluded.at",
            "INSERT INTO pace_log (room_id, at, participant_id, value) VALUES (?, ?, ?, ?)",
            (room_id, participant_id, value, request_id, at),
        )

    async def pace_signals(self, room_id: str) -> list[tuple[str, str, datetime]]:
        """By participant id; [] for an unknown room."""
        rows = await self._read_all(
            "SELECT participant_id, value, at FROM pace WHERE room_id = ? ORDER BY participant_id",
            (room_id,),
        )
        return [(str(pid), str(value), from_iso(at)) for pid, value, at in rows]

    async def pace_log(self, room_id: str) -> list[tuple[str, str, datetime]]:
        """By at, then in the order of the writes (rowid); [] for an unknown room."""
        rows = await self._read_all(
            "SELECT participant_id, value, at FROM pace_log WHERE room_id = ? ORDER BY at, rowid",
            (room_id,),
        )
        return [(str(pid), str(value), from_iso(at)) for pid, value, at in rows]

    async def record_applause(
        self, room_id: str, samples: Sequence[tuple[datetime, float]]
    ) -> None:
        """One job: StoreError for an unknown room, then one upsert per second keeping
        max(level). No samples: nothing to do (no job, no room check)."""
        seconds = [
            (room_id, to_iso(second), level) for second, level in applause_seconds(samples).items()
        ]
        if not seconds:
            return

        def work(conn: sqlite3.Connection) -> None:
            _version(conn, room_id)  # StoreError for an unknown room
            conn.executemany(
                "INSERT INTO applause_seconds (room_id, second, level) VALUES (?, ?, ?)"
                " ON CONFLICT (room_id, second) DO UPDATE SET level = max(level, excluded.level)",
                seconds,
            )

        await self._runner.write(work)

    async def applause_timeline(self, room_id: str) -> list[tuple[datetime, float]]:
        """Oldest first; [] for an unknown room."""
        rows = await self._read_all(
            "SELECT second, level FROM applause_seconds WHERE room_id = ? ORDER BY second",
            (room_id,),
        )
        return [(from_iso(second), float(level)) for second, level in rows]

    # --- tallies and ballots ----------------------------------------------------------------

    async def tally(self, poll: Poll) -> Tally:
        # Counting happens on the read path, straight from the JSON ballots (grouped by ballot
        # for choices, json_extract for values). The alternative, a vote_choices table kept up
        # to date by cast_vote, would add a DELETE and up to n INSERTs to every vote on the
        # single writer thread, the one resource that cannot scale out; reads run on their own
        # threads and aggregate 10,000 ballots in milliseconds.
        if poll.kind == "text":
            return await self._runner.read(lambda conn: _tally_text(conn, poll.id))
        if poll.kind == "scale":
            return await self._runner.read(lambda conn: _tally_scale(conn, poll))
        if poll.kind == "ranking":
            return await self._runner.read(lambda conn: _tally_ranking(conn, poll))
        if poll.kind == "points":
            return await self._runner.read(lambda conn: _tally_points(conn, poll))
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
        """Whether a vote, question or upvote with this request id was applied (one namespace
        per participant, see the module docstring)."""
        return await self._runner.read(
            lambda conn: _request_claimed(conn, participant_id, request_id)
        )

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


def _insert_room(conn: sqlite3.Connection, room: Room) -> int:
    params = room_params(room)
    marks = ", ".join("?" * len(params))
    _insert(
        conn,
        f"INSERT INTO rooms ({ROOM_COLUMNS}, version) VALUES ({marks}, 1)",
        params,
        f"room {room.id!r}",
    )
    return 1


def _request_claimed(conn: sqlite3.Connection, participant_id: str, request_id: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM vote_requests WHERE participant_id = ? AND request_id = ?",
            (participant_id, request_id),
        ).fetchall()
    )


def _tally_choices(conn: sqlite3.Connection, poll: Poll) -> Tally:
    # Grouped by the ballot's text: a poll has a few distinct ballots (one per option, or per
    # combination chosen), each decoded once here. json_each over every vote took 2.5 times as
    # long at 10,000 votes, and the room's state is re-read up to ten times a second while
    # votes come in (docs/benchmarks.md). A ballot counts once per option even if it lists it
    # twice; voters counts ballots, also those without a choice.
    rows = conn.execute(
        "SELECT ballot, count(*) FROM votes WHERE poll_id = ? GROUP BY ballot", (poll.id,)
    ).fetchall()
    counts = [0] * len(poll.options)
    voters = 0
    for text, count in rows:
        voters += count
        for index in set(decode_ballot(text).choices):
            if 0 <= index < len(counts):
                counts[index] += count
    return Tally(counts=tuple(counts), voters=voters)


def _tally_ranking(conn: sqlite3.Connection, poll: Poll) -> Tally:
    # (place, option) pairs counted inside SQLite, at most n² rows back. Grouping by ballot,
    # as for choices, decoded nearly every ballot in Python once rankings differ; grouping by
    # the two columns of json_each was slower still. One integer key per pair (place * 64 +
    # option; options are at most 12) measured 40-80 ms for 10,000 random rankings of 8
    # (the pair: 310 ms, by ballot: 470 ms).
    rows = conn.execute(
        "SELECT j.key * 64 + j.value AS pair, count(*)"
        " FROM votes, json_each(votes.ballot, '$.ranking') AS j"
        " WHERE votes.poll_id = ? GROUP BY pair",
        (poll.id,),
    ).fetchall()
    (voters,) = conn.execute("SELECT count(*) FROM votes WHERE poll_id = ?", (poll.id,)).fetchone()
    placements = ((pair // 64, pair % 64, int(n)) for pair, n in rows if isinstance(pair, int))
    return poll_points.ranking_tally(len(poll.options), placements, int(voters))


def _tally_points(conn: sqlite3.Connection, poll: Poll) -> Tally:
    # Points ballots hardly ever repeat (60/40 and 50/50 do, 37/21/42 does not), so grouping
    # by ballot would decode nearly every one in Python: json_each sums them inside SQLite.
    size = len(poll.options)
    sums, givers = [0] * size, [0] * size
    for key, total, gave in conn.execute(
        "SELECT j.key, sum(j.value), sum(j.value > 0)"
        " FROM votes, json_each(votes.ballot, '$.points') AS j"
        " WHERE votes.poll_id = ? GROUP BY j.key",
        (poll.id,),
    ):
        if isinstance(key, int) and 0 <= key < size:
            sums[key], givers[key] = int(total), int(gave)
    (voters,) = conn.execute("SELECT count(*) FROM votes WHERE poll_id = ?", (poll.id,)).fetchone()
    return poll_points.points_tally(size, sums, givers, int(voters))


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
        "SELECT ballot FROM votes WHERE poll_id = ? ORDER BY updated_at, participant_id",
        (poll_id,),
    ).fetchall()
    texts = tuple(text for (ballot,) in rows for text in decode_ballot(ballot).texts)
    return Tally(voters=len(rows), texts=texts)


def _read_polls(conn: sqlite3.Connection, column: str, value: str) -> list[Poll]:
    """The polls whose ``column`` ("id" or "room_id") is ``value``, oldest first, each with its
    hidden entries (read in the same job, so from the same snapshot)."""
    rows = conn.execute(
        f"SELECT {POLL_COLUMNS} FROM polls WHERE {column} = ? ORDER BY created_at, id", (value,)
    ).fetchall()
    if not rows:
        return []
    hidden: dict[tuple[str, str], list[str]] = {}
    for poll_id, kind, shown in conn.execute(
        "SELECT h.poll_id, h.kind, h.shown FROM poll_hidden h JOIN polls p ON p.id = h.poll_id"
        f" WHERE p.{column} = ? ORDER BY h.poll_id, h.kind, h.entry",
        (value,),
    ):
        hidden.setdefault((poll_id, kind), []).append(shown)
    return [
        poll_from_row(
            row,
            tuple(hidden.get((row[0], "word"), ())),
            tuple(hidden.get((row[0], "answer"), ())),
        )
        for row in rows
    ]
