"""The votes of one group-commit batch, written together (``SQLiteRunner.write_grouped``).

One vote alone is four statements: read the poll and its room, claim the request id, write the
ballot, count the room's version up. Each statement lets go of the interpreter lock, and while
the event loop is busy with a tick to 10,000 sockets every one of them waited to win it back: a
batch of 256 votes took up to half a second (docs/benchmarks.md). Here a run of votes reads
their polls, rooms, claims and join times with one query each, decides every vote in queue
order exactly as one vote alone is decided, and writes the claims, the ballots and each room's
version with one statement each.

Each vote's verdict is the one it would get alone, in the same order:
- an unknown poll: StoreError;
- a poll that is not open: a repeated request id answers "applied before" (nothing changes),
  anything else PollNotOpen;
- a poll for those who joined before it opened, from a later participant: JoinedAfterOpening;
- a repeated request id (claimed earlier, or by a vote before it in this run): nothing changes;
- else the ballot is written (the later of two ballots of one participant in one poll wins) and
  the room's version goes up by one: each vote gets a version of its own.
Every refusal comes before anything is written for that vote; an sqlite3 error fails the batch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from live.store.base import JoinedAfterOpening, PollNotOpen, StoreError, VoteOutcome

# Rows per multi-row statement and ids per "IN (...)": below SQLite's oldest variable limit
# (999) with four values a row.
_CHUNK = 200


@dataclass(frozen=True, slots=True)
class VoteItem:
    poll_id: str
    participant_id: str
    ballot: str  # encoded (live.store.sqlite_schema.encode_ballot)
    request_id: str | None


@dataclass(frozen=True, slots=True)
class _Poll:
    state: str
    room_id: str
    joined_before_only: bool
    opened_at: str | None
    event_code: str


def cast_votes(
    conn: sqlite3.Connection, items: list[VoteItem], now: Callable[[], str]
) -> list[tuple[bool, object]]:
    """Decide and write ``items`` (see the module docstring); ``now`` gives each written vote
    its time (the writer's clock). One (succeeded, VoteOutcome or exception) per item."""
    polls, versions = _polls(conn, {item.poll_id for item in items})
    claimed = _claimed(conn, [item for item in items if item.request_id is not None])
    joined = _joined(conn, [item for item in items if _checks_join(polls.get(item.poll_id))], polls)
    answers: list[tuple[bool, object]] = []
    claims: list[tuple[str, str, str, str]] = []
    ballots: list[tuple[str, str, str, str]] = []
    bumps: dict[str, int] = {}
    for item in items:
        poll = polls.get(item.poll_id)
        if poll is None:
            answers.append((False, StoreError(f"unknown poll {item.poll_id!r}")))
            continue
        key = (item.participant_id, item.request_id)
        repeated = item.request_id is not None and key in claimed
        if poll.state != "open":
            if repeated:
                answers.append((True, VoteOutcome(applied=False, version=versions[poll.room_id])))
            else:
                answers.append((False, PollNotOpen(poll.state)))
            continue
        if poll.joined_before_only:
            created = joined.get((poll.event_code, item.participant_id))
            # Fixed-width ISO text: comparing the strings compares the moments.
            if created is not None and poll.opened_at is not None and created > poll.opened_at:
                answers.append((False, JoinedAfterOpening()))
                continue
        if repeated:
            answers.append((True, VoteOutcome(applied=False, version=versions[poll.room_id])))
            continue
        at = now()
        if item.request_id is not None:
            claimed.add((item.participant_id, item.request_id))
            claims.append((item.participant_id, item.request_id, item.poll_id, at))
        ballots.append((item.poll_id, item.participant_id, item.ballot, at))
        versions[poll.room_id] += 1
        bumps[poll.room_id] = bumps.get(poll.room_id, 0) + 1
        answers.append((True, VoteOutcome(applied=True, version=versions[poll.room_id])))
    _write(conn, claims, ballots, bumps, versions)
    return answers


def _write(
    conn: sqlite3.Connection,
    claims: list[tuple[str, str, str, str]],
    ballots: list[tuple[str, str, str, str]],
    bumps: dict[str, int],
    versions: dict[str, int],
) -> None:
    for rows in _chunks(claims):
        # A plain INSERT: a claim this run missed would fail the batch, not count twice.
        conn.execute(
            "INSERT INTO vote_requests (participant_id, request_id, subject_id, created_at)"
            f" VALUES {_marks(rows)}",
            _flat(rows),
        )
    for rows in _chunks(ballots):
        # Rows are applied in order: of two ballots of one participant in one poll the later
        # one stays, as when they come one by one.
        conn.execute(
            "INSERT INTO votes (poll_id, participant_id, ballot, updated_at)"
            f" VALUES {_marks(rows)}"
            " ON CONFLICT (poll_id, participant_id)"
            " DO UPDATE SET ballot = excluded.ballot, updated_at = excluded.updated_at",
            _flat(rows),
        )
    for room_id, count in bumps.items():
        found = conn.execute(
            "UPDATE rooms SET version = version + ? WHERE id = ? RETURNING version",
            (count, room_id),
        ).fetchall()
        # The versions handed out above were counted from the same transaction's read.
        if not found or found[0][0] != versions[room_id]:
            raise sqlite3.IntegrityError(f"room {room_id!r}: version moved under the writer")


def _polls(conn: sqlite3.Connection, ids: set[str]) -> tuple[dict[str, _Poll], dict[str, int]]:
    """The polls asked for, and the versions of their rooms (read with them)."""
    found: dict[str, _Poll] = {}
    versions: dict[str, int] = {}
    for chunk in _chunks(sorted(ids)):
        rows = conn.execute(
            "SELECT p.id, p.state, p.room_id, r.version, p.joined_before_only, p.opened_at,"
            " p.event_code FROM polls p JOIN rooms r ON r.id = p.room_id"
            f" WHERE p.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        for poll_id, state, room_id, version, joined_only, opened_at, event_code in rows:
            found[poll_id] = _Poll(state, room_id, bool(joined_only), opened_at, event_code)
            versions[room_id] = int(version)
    return found, versions


def _claimed(conn: sqlite3.Connection, items: list[VoteItem]) -> set[tuple[str, str | None]]:
    """The (participant, request id) pairs of ``items`` claimed before this run: one probe of
    the claims' key per pair (a participant collects many request ids over a day)."""
    wanted = sorted({(item.participant_id, item.request_id or "") for item in items})
    found: set[tuple[str, str | None]] = set()
    for chunk in _chunks(wanted):
        rows = conn.execute(
            f"WITH wanted (participant_id, request_id) AS (VALUES {_marks(chunk)})"
            " SELECT w.participant_id, w.request_id FROM wanted w JOIN vote_requests v"
            " ON v.participant_id = w.participant_id AND v.request_id = w.request_id",
            _flat(chunk),
        ).fetchall()
        found.update((pid, rid) for pid, rid in rows)
    return found


def _checks_join(poll: _Poll | None) -> bool:
    return poll is not None and poll.state == "open" and poll.joined_before_only


def _joined(
    conn: sqlite3.Connection, items: list[VoteItem], polls: dict[str, _Poll]
) -> dict[tuple[str, str], str]:
    """When the voters of ``items`` joined, by (event, participant): only polls with the option
    pay for this read (the participants' key, event first)."""
    by_event: dict[str, set[str]] = {}
    for item in items:
        by_event.setdefault(polls[item.poll_id].event_code, set()).add(item.participant_id)
    found: dict[tuple[str, str], str] = {}
    for code, pids in by_event.items():
        for chunk in _chunks(sorted(pids)):
            rows = conn.execute(
                "SELECT participant_id, created_at FROM participants WHERE event_code = ?"
                f" AND participant_id IN ({', '.join('?' * len(chunk))})",
                (code, *chunk),
            ).fetchall()
            found.update(((code, pid), created) for pid, created in rows if created is not None)
    return found


def _chunks(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def _marks(rows: Sequence[tuple[str, ...]]) -> str:
    width = len(rows[0])
    row = "(" + ", ".join("?" * width) + ")"
    return ", ".join([row] * len(rows))


def _flat(rows: Sequence[tuple[str, ...]]) -> list[str]:
    return [value for row in rows for value in row]
