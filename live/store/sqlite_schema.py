"""Schema, migrations and row codecs of the SQLite store.

Conventions:
- Datetimes are ISO 8601 strings in UTC with a fixed width (always microseconds, always
  ``+00:00``), so ``ORDER BY`` on the text column is chronological.
- Lists (poll options) and ballots are JSON text written with orjson. JSON stays TEXT, not BLOB:
  SQLite's json_* functions (used by the tally) only read text JSON on older versions.
- Ids and codes are TEXT primary keys; the small, hot tables are WITHOUT ROWID so a lookup by key
  is one b-tree descent instead of two.
- Booleans are INTEGER 0/1 with a CHECK.

Schema versions:
- 1: events, rooms, participants, polls, votes, vote_requests.
- 2 (Q&A): events.questions_need_approval and events.names_allowed (default 1);
  rooms.highlighted_question_id; the tables questions and upvotes; vote_requests.poll_id renamed
  to subject_id (it holds the poll, question or upvoted question a request was about: votes,
  questions and upvotes share the one request-id table, see sqlite.py).
  _DDL is always the newest schema; a fresh database and a migrated one end up identical
  (tests/store/test_sqlite.py compares them column by column).
- 3 (mood barometer, applause timeline): the tables moods, mood_log and applause_seconds.
- 4 (event program, issue 7): events.starts_on and events.ends_on (ISO dates, NULL: not set);
  rooms.moderator_token_hash (the room link, NULL: none) and rooms.screen_mode (default
  'auto'); polls.agenda_item_id (NULL: not prepared for an agenda item); the table
  agenda_items; the indexes polls_by_event (delete_event, and the foreign key check when an
  event row is deleted) and polls_by_agenda_item (delete_agenda_item).
- 5 (issue 17): events.brand_color ("#rrggbb", NULL: the app's own) and events.logo_version
  (NULL: no logo), the table event_logos with the logo's bytes (apart from events, which every
  page and tick reads); polls.screen_results (the projector's results, default 'live'; the
  migration sets 'after_close' for polls whose visibility was not 'live', since until then that
  setting kept their results off the projector too, and a running event must not suddenly show
  them) and polls.max_answers (default 1); the table poll_hidden.
- 6 (issue 19): rooms.parallel_polls (0/1, default 0: opening a poll closes the room's open
  one).
- 7 (issue 21): participants.created_at (NULL for those who joined before it was kept: they
  count as joined before any opening) with the index participants_by_join (the console's burst
  check reads the voters created since a moment); polls.joined_before_only (0/1, default 0);
  events.join_code_secret (NULL: joining needs no code from the projector).
- 8 (issue 24): polls.kind also allows 'ranking' and 'points'; polls.max_ranked (ranking: how
  many options a ballot ranks, else NULL), polls.budget (points: the points to spread, else
  NULL), polls.scale_min_label and polls.scale_max_label (scale: the words at the ends, NULL:
  none). SQLite cannot change a CHECK in place, so the migration rebuilds polls (see
  _POLLS_REBUILD). Ballots of the new kinds are JSON like the others ({"ranking": [2, 0]},
  {"points": [60, 40]}); votes needs no change.
- 9 (issue 23): rooms.applause_via_stream (0/1, default 0: "Applaus kommt über den Stream",
  the participants' devices play no applause).
- 10 (issue 24, the blocklist): events.blocklist_default (0/1, default 1: the shipped list is in
  use, also for events made before) and the table event_blocklist (the event's own entries and
  the default entries it switched off: set membership like poll_hidden).
- 11 (issue 24, panel Q&A): questions.merged_into (the question a duplicate was merged into,
  NULL: not merged; no foreign key, so deleting the target keeps the merged one for the
  report), questions.co_authors (JSON list of the authors of the questions merged into this
  one, default '[]') and questions.label (NULL: none); events.question_labels (JSON list,
  default '[]'); rooms.screen_label (the projector's label filter, NULL: all questions).
- 12 (issue 24, pace feedback): the tables pace (the latest signal per room and participant)
  and pace_log (every signal, for the report's timeline).
- 13 (issue 24, countdown): rooms.countdown_label, rooms.countdown_ends_at (ISO instant, NULL
  while paused) and rooms.countdown_left_ms (while paused); all NULL: no countdown. Added by
  ALTER TABLE in a fresh database too (_COUNTDOWN_DDL), so that the columns of a migrated
  rooms table come in the same order.
- 14 (issue 24, the idea board): rooms.ideas_open (0/1, default 0: the board is off); the
  tables ideas (marked: the moderator's top N, 0/1) and idea_upvotes (set membership like
  upvotes); rooms.screen_mode also allows 'ideas'. The CHECK is widened in place
  (_widen_screen_modes: SQLite's documented writable_schema procedure for a change that
  leaves the stored rows valid as they are) rather than by rebuilding rooms, which half the
  tables refer to.
- 15 (issue 24, the forums' results): rooms.screen_mode also allows 'forums' (widened in
  place as in version 14); rooms.forum_shown (0/1, NULL: the default, every room but the
  first takes part) and rooms.forum_poll_id (the ranking poll whose top 3 are the room's
  column, NULL: the marked ideas; no foreign key, a deleted poll leaves the column saying so).
- 16 (issue 24, self-paced surveys): polls.survey_id (the survey the poll is a question of,
  NULL: an ordinary poll; added by ALTER TABLE in a fresh database too, as in 13) and the
  table surveys (title, state, the questions' ids in order as a JSON list).
"""

from __future__ import annotations

import functools
import math
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

import orjson

from live.domain.blocklist import BLOCK_KINDS
from live.domain.models import (
    HIDDEN_KINDS,
    IDEA_STATES,
    POLL_KINDS,
    SCREEN_MODES,
    SCREEN_RESULTS,
    AgendaItem,
    Ballot,
    Countdown,
    Event,
    Idea,
    IdeaState,
    Poll,
    PollKind,
    PollState,
    Question,
    QuestionState,
    Room,
    ScreenMode,
    ScreenResults,
    Visibility,
)
from live.domain.pace import VALUES as PACE_VALUES
from live.store.base import StoreError

# Bump when the DDL changes and add a step to _MIGRATIONS that brings version N-1 to N.
SCHEMA_VERSION = 16

# sqlite3 ships SQLite with Python; RETURNING needs 3.35 and the JSON functions are built in
# from 3.38 (and compiled in on every mainstream build before that).
MIN_SQLITE = (3, 35, 0)

# New in version 2; shared by _DDL and the migration from version 1, so both create the same.
_QUESTION_DDL: tuple[str, ...] = (
    # The author (participant_id) has no foreign key, like votes: it is never joined, and the
    # rate limit only compares it. answer: the moderator's short written answer, if any.
    """
    CREATE TABLE questions (
        id             TEXT PRIMARY KEY,
        event_code     TEXT NOT NULL REFERENCES events (code),
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        participant_id TEXT NOT NULL,
        text           TEXT NOT NULL,
        name           TEXT,
        state          TEXT NOT NULL
                       CHECK (state IN ('pending', 'approved', 'answered', 'hidden', 'archived')),
        answer         TEXT,
        created_at     TEXT NOT NULL
    )
    """,
    # list_questions: a room's questions in order.
    "CREATE INDEX questions_by_room ON questions (room_id, created_at, id)",
    # add_question's rate limit: "a question of this participant in this event since T".
    "CREATE INDEX questions_by_author ON questions (event_code, participant_id, created_at)",
    # Set membership: one row per (question, participant), inserted or deleted, never a counter
    # that is read, changed and written back. Counted with count(*) over the primary key.
    """
    CREATE TABLE upvotes (
        question_id    TEXT NOT NULL REFERENCES questions (id),
        participant_id TEXT NOT NULL,
        PRIMARY KEY (question_id, participant_id)
    ) WITHOUT ROWID
    """,
)

# New in version 11 (panel Q&A: merged duplicates, labels); shared by _DDL (after
# _QUESTION_DDL, which the migration from version 1 runs as it was, and after the tables it
# alters) and the migration from version 10.
_PANEL_DDL: tuple[str, ...] = (
    "ALTER TABLE questions ADD COLUMN merged_into TEXT",
    "ALTER TABLE questions ADD COLUMN co_authors TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE questions ADD COLUMN label TEXT",
    "ALTER TABLE events ADD COLUMN question_labels TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE rooms ADD COLUMN screen_label TEXT",
)

# New in version 12; shared by _DDL and the migration from version 11. The values are those of
# live.domain.pace.VALUES.
_PACE_DDL: tuple[str, ...] = (
    # The latest pace signal per (room, participant): an upsert, like moods. Whether it still
    # counts (2 minutes) is the domain's rule, with the time kept here.
    """
    CREATE TABLE pace (
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        participant_id TEXT NOT NULL,
        value          TEXT NOT NULL
                       CHECK (value IN ('too_fast', 'too_slow', 'av_problem', 'none')),
        at             TEXT NOT NULL,
        PRIMARY KEY (room_id, participant_id)
    ) WITHOUT ROWID
    """,
    # Every signal (the report's timeline); ORDER BY at, rowid is the order of the writes.
    """
    CREATE TABLE pace_log (
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        at             TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        value          TEXT NOT NULL
                       CHECK (value IN ('too_fast', 'too_slow', 'av_problem', 'none'))
    )
    """,
    "CREATE INDEX pace_log_by_room ON pace_log (room_id, at)",
)

# New in version 13; shared by _DDL (after _PANEL_DDL, whose rooms.screen_label comes first in
# a migrated table) and the migration from version 12.
_COUNTDOWN_DDL: tuple[str, ...] = (
    "ALTER TABLE rooms ADD COLUMN countdown_label TEXT",
    "ALTER TABLE rooms ADD COLUMN countdown_ends_at TEXT",
    "ALTER TABLE rooms ADD COLUMN countdown_left_ms INTEGER",
)

_IDEA_STATES_SQL = ", ".join(f"'{state}'" for state in IDEA_STATES)

# New in version 14; shared by _DDL (after _COUNTDOWN_DDL, for the column order of rooms) and
# the migration from version 13.
_IDEAS_DDL: tuple[str, ...] = (
    "ALTER TABLE rooms ADD COLUMN ideas_open INTEGER NOT NULL DEFAULT 0"
    " CHECK (ideas_open IN (0, 1))",
    # Like questions: the author has no foreign key (never joined). marked: the moderator's
    # top N (live/domain/ideas.py caps them per room; set_idea_marked counts in its job).
    f"""
    CREATE TABLE ideas (
        id             TEXT PRIMARY KEY,
        event_code     TEXT NOT NULL REFERENCES events (code),
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        participant_id TEXT NOT NULL,
        text           TEXT NOT NULL,
        state          TEXT NOT NULL CHECK (state IN ({_IDEA_STATES_SQL})),
        created_at     TEXT NOT NULL,
        marked         INTEGER NOT NULL DEFAULT 0 CHECK (marked IN (0, 1))
    )
    """,
    # ideas(room) in order; event_ideas by event (and delete_event).
    "CREATE INDEX ideas_by_room ON ideas (room_id, created_at, id)",
    "CREATE INDEX ideas_by_event ON ideas (event_code)",
    # Set membership, one row per (idea, participant), as upvotes.
    """
    CREATE TABLE idea_upvotes (
        idea_id        TEXT NOT NULL REFERENCES ideas (id),
        participant_id TEXT NOT NULL,
        PRIMARY KEY (idea_id, participant_id)
    ) WITHOUT ROWID
    """,
)


def _widen_screen_modes(last: str, new: str) -> Callable[[sqlite3.Connection], None]:
    """The job that lets rooms.screen_mode's CHECK, whose list ends with ``last``, also allow
    ``new`` (version 13 → 14: 'ideas' after 'slide'; 14 → 15: 'forums' after 'ideas'). A CHECK
    written already with the mode (a database created after it, or migrated from before
    screen modes existed: version 3 adds the column with today's list) is left as it is."""

    def widen(conn: sqlite3.Connection) -> None:
        _widen(conn, f"'{last}'))", f"'{last}', '{new}'))")

    return widen


def _widen(conn: sqlite3.Connection, old: str, new: str) -> None:
    """rooms.screen_mode's CHECK: ``old`` (the end of its list) becomes ``new``. SQLite cannot
    alter a CHECK; its documentation (ALTER TABLE, "making other kinds of table schema
    changes") allows editing the table's SQL in sqlite_schema for changes that keep every
    stored row valid, as this one does (one more allowed value), with the schema cookie bumped
    so every connection reads the new text. Runs in the migration's transaction: a failure
    rolls it back."""
    (cookie,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?",
            (old, new, "rooms"),
        )
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    conn.execute(f"PRAGMA schema_version = {int(cookie) + 1}")


# New in version 15; shared by _DDL (after _COUNTDOWN_DDL) and the rebuild of rooms.
_FORUM_DDL: tuple[str, ...] = (
    "ALTER TABLE rooms ADD COLUMN forum_shown INTEGER CHECK (forum_shown IN (0, 1))",
    "ALTER TABLE rooms ADD COLUMN forum_poll_id TEXT",
)

# New in version 16 (self-paced surveys); shared by _DDL (at its end: polls.survey_id comes
# last in a migrated table) and the migration from version 15. No foreign key from
# polls.survey_id: add_survey writes the polls and the survey in one job, and delete_event
# removes both.
_SURVEY_DDL: tuple[str, ...] = (
    "ALTER TABLE polls ADD COLUMN survey_id TEXT",
    """
    CREATE TABLE surveys (
        id         TEXT PRIMARY KEY,
        event_code TEXT NOT NULL REFERENCES events (code),
        room_id    TEXT NOT NULL REFERENCES rooms (id),
        title      TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
        poll_ids   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        opened_at  TEXT,
        closed_at  TEXT
    )
    """,
    "CREATE INDEX surveys_by_event ON surveys (event_code, created_at, id)",
)

# New in version 3; shared by _DDL and the migration from version 2.
_MOOD_DDL: tuple[str, ...] = (
    # The current mood per (room, participant): an upsert, the latest set_mood wins. Like votes,
    # participant_id has no foreign key (never joined).
    """
    CREATE TABLE moods (
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        participant_id TEXT NOT NULL,
        value          INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (room_id, participant_id)
    ) WITHOUT ROWID
    """,
    # Every mood change (the course over time). A rowid table: ORDER BY at, rowid is the order
    # of the changes, also for two in the same microsecond; the index below serves it.
    """
    CREATE TABLE mood_log (
        room_id        TEXT NOT NULL REFERENCES rooms (id),
        at             TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        value          INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5)
    )
    """,
    "CREATE INDEX mood_log_by_room ON mood_log (room_id, at)",
    # The applause level per whole second (ISO text with .000000), the maximum of all samples
    # of that second (record_applause upserts with max()).
    """
    CREATE TABLE applause_seconds (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        second  TEXT NOT NULL,
        level   REAL NOT NULL,
        PRIMARY KEY (room_id, second)
    ) WITHOUT ROWID
    """,
)

# The CHECK of rooms.screen_mode: every mode of the model.
_SCREEN_MODES_SQL = ", ".join(f"'{mode}'" for mode in SCREEN_MODES)

# New in version 4; shared by _DDL and the migration from version 3 (which runs it after the
# ALTER TABLEs, so polls.agenda_item_id exists for its indexes).
_AGENDA_DDL: tuple[str, ...] = (
    # One slot of the program. room_id must be a room of the same event: checked by the store
    # (a composite foreign key would need a second unique key on rooms). Times as everywhere:
    # fixed-width ISO text in UTC, so ORDER BY starts_at is chronological.
    """
    CREATE TABLE agenda_items (
        id         TEXT PRIMARY KEY,
        event_code TEXT NOT NULL REFERENCES events (code),
        room_id    TEXT NOT NULL REFERENCES rooms (id),
        title      TEXT NOT NULL,
        speaker    TEXT,
        starts_at  TEXT NOT NULL,
        ends_at    TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    # list_agenda: the event's items in time order (the room position comes from a join).
    "CREATE INDEX agenda_by_event ON agenda_items (event_code, starts_at, id)",
    # For the foreign key check when delete_event deletes the rooms (else a scan per room).
    "CREATE INDEX agenda_by_room ON agenda_items (room_id)",
    # delete_agenda_item unlinks its prepared polls; delete_event finds an event's polls.
    "CREATE INDEX polls_by_agenda_item ON polls (agenda_item_id)",
    "CREATE INDEX polls_by_event ON polls (event_code)",
)

# New in version 5; shared by _DDL and the migration from version 4. A rowid table: its rows
# are blobs of up to 256 KiB (WITHOUT ROWID suits small rows only).
_LOGO_DDL: tuple[str, ...] = (
    """
    CREATE TABLE event_logos (
        event_code TEXT PRIMARY KEY REFERENCES events (code),
        media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/svg+xml')),
        data       BLOB NOT NULL
    )
    """,
)

_SCREEN_RESULTS_SQL = ", ".join(f"'{value}'" for value in SCREEN_RESULTS)
_HIDDEN_KINDS_SQL = ", ".join(f"'{kind}'" for kind in HIDDEN_KINDS)
_BLOCK_KINDS_SQL = ", ".join(f"'{kind}'" for kind in BLOCK_KINDS)

# New in version 5; shared by _DDL and the migration from version 4.
_HIDDEN_DDL: tuple[str, ...] = (
    # The words and answers moderators took out of a text poll's word cloud: set membership,
    # one row per (poll, kind, case-folded entry), inserted or deleted, never a list that is
    # read, changed and written back. shown: the entry as the moderator gave it (for the list
    # of hidden entries); entry is what results compare with.
    f"""
    CREATE TABLE poll_hidden (
        poll_id TEXT NOT NULL REFERENCES polls (id),
        kind    TEXT NOT NULL CHECK (kind IN ({_HIDDEN_KINDS_SQL})),
        entry   TEXT NOT NULL,
        shown   TEXT NOT NULL,
        PRIMARY KEY (poll_id, kind, entry)
    ) WITHOUT ROWID
    """,
)

# New in version 9; shared by _DDL and the migration from version 8.
_BLOCKLIST_DDL: tuple[str, ...] = (
    # An event's blocklist beyond the shipped one (live/domain/blocklist.py): kind 'added' (its
    # own entries) or 'removed' (default entries switched off); one row per (event, kind,
    # folded entry), inserted or deleted. shown: the entry as the moderator wrote it.
    f"""
    CREATE TABLE event_blocklist (
        event_code TEXT NOT NULL REFERENCES events (code),
        kind       TEXT NOT NULL CHECK (kind IN ({_BLOCK_KINDS_SQL})),
        entry      TEXT NOT NULL,
        shown      TEXT NOT NULL,
        PRIMARY KEY (event_code, kind, entry)
    ) WITHOUT ROWID
    """,
)

# New in version 7; shared by _DDL and the migration from version 6.
_JOIN_DDL: tuple[str, ...] = (
    "CREATE INDEX participants_by_join ON participants (event_code, created_at)",
)

_POLL_KINDS_SQL = ", ".join(f"'{kind}'" for kind in POLL_KINDS)


def _polls_ddl(name: str) -> str:
    """The polls table as of version 8 under ``name`` (the migration builds it as polls_new).
    UNIQUE (id, room_id) is redundant as a constraint but is the parent key of the
    rooms.screen_poll_id foreign key. The columns come in the order of the versions that added
    them, so that a migrated table has the same column order as a fresh one. A later version
    that changes polls again must keep a copy of this text for _MIGRATIONS[7]."""
    return f"""
    CREATE TABLE {name} (
        id         TEXT PRIMARY KEY,
        event_code TEXT NOT NULL REFERENCES events (code),
        room_id    TEXT NOT NULL REFERENCES rooms (id),
        question   TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ({_POLL_KINDS_SQL})),
        options    TEXT NOT NULL,
        scale_min  INTEGER,
        scale_max  INTEGER,
        state      TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
        visibility TEXT NOT NULL CHECK (visibility IN ('live', 'after_vote', 'after_close')),
        created_at TEXT NOT NULL,
        opened_at  TEXT,
        closed_at  TEXT,
        agenda_item_id TEXT REFERENCES agenda_items (id),
        screen_results TEXT NOT NULL DEFAULT 'live'
                       CHECK (screen_results IN ({_SCREEN_RESULTS_SQL})),
        max_answers    INTEGER NOT NULL DEFAULT 1 CHECK (max_answers BETWEEN 1 AND 3),
        joined_before_only INTEGER NOT NULL DEFAULT 0 CHECK (joined_before_only IN (0, 1)),
        max_ranked      INTEGER CHECK (max_ranked >= 1),
        budget          INTEGER CHECK (budget >= 1),
        scale_min_label TEXT,
        scale_max_label TEXT,
        UNIQUE (id, room_id)
    )
    """


# The indexes on polls (made anew after the rebuild: DROP TABLE drops them).
_POLL_INDEXES = (
    "CREATE INDEX polls_by_room ON polls (room_id, created_at, id)",
    "CREATE INDEX polls_by_agenda_item ON polls (agenda_item_id)",
    "CREATE INDEX polls_by_event ON polls (event_code)",
)

# The columns polls had in version 7, copied over by the rebuild.
_POLL_COLUMNS_V7 = (
    "id, event_code, room_id, question, kind, options, scale_min, scale_max, state, visibility,"
    " created_at, opened_at, closed_at, agenda_item_id, screen_results, max_answers,"
    " joined_before_only"
)

# Version 7 → 8: polls with a wider kind CHECK and four new columns. SQLite cannot alter a
# CHECK, and its usual recipe (foreign_keys OFF, rebuild, foreign_key_check) needs the pragma
# outside a transaction, while migrations run inside the open one (ensure_schema). Instead,
# foreign keys are deferred to the commit: dropping the old table orphans the votes,
# poll_hidden rows and rooms.screen_poll_id that point at polls for a moment (SQLite counts
# them), and inserting the rows into the new table named polls finds those children again and
# takes them off the count. The copy goes through polls_new because a table renamed while
# other tables refer to it drags their references along (ALTER TABLE RENAME rewrites them):
# the final table is created under its own name, never renamed. Should any child still have
# no parent at the commit, the commit fails and the whole migration with it.
_POLLS_REBUILD: tuple[str, ...] = (
    "PRAGMA defer_foreign_keys = ON",
    _polls_ddl("polls_new"),
    f"INSERT INTO polls_new ({_POLL_COLUMNS_V7}) SELECT {_POLL_COLUMNS_V7} FROM polls",
    "DROP TABLE polls",
    _polls_ddl("polls"),
    "INSERT INTO polls SELECT * FROM polls_new",
    "DROP TABLE polls_new",
    *_POLL_INDEXES,
)


_DDL: tuple[str, ...] = (
    # One row: the version of the schema below. Migrations compare against SCHEMA_VERSION.
    """
    CREATE TABLE schema_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE events (
        code                    TEXT PRIMARY KEY,
        title                   TEXT NOT NULL,
        created_at              TEXT NOT NULL,
        moderator_token_hash    TEXT NOT NULL,
        questions_need_approval INTEGER NOT NULL DEFAULT 1
                                CHECK (questions_need_approval IN (0, 1)),
        names_allowed           INTEGER NOT NULL DEFAULT 1 CHECK (names_allowed IN (0, 1)),
        starts_on               TEXT,
        ends_on                 TEXT,
        brand_color             TEXT,
        logo_version            TEXT,
        join_code_secret        TEXT,
        blocklist_default       INTEGER NOT NULL DEFAULT 1 CHECK (blocklist_default IN (0, 1))
    ) WITHOUT ROWID
    """,
    # version: bumped by every write that changes what the room shows (see base.py).
    # The composite foreign key makes sure the screen only ever presents a poll of this room;
    # it is satisfied while screen_poll_id is NULL. The parent table is created below, which
    # SQLite allows because foreign keys are resolved when a row is written.
    # highlighted_question_id only has a plain foreign key (ALTER TABLE ADD COLUMN, which the
    # migration from version 1 uses, cannot add a composite one); that the question is in this
    # room is checked by set_highlight. It and the columns of versions 4 and 6 after it come
    # last so that a migrated table has the same column order as a fresh one.
    f"""
    CREATE TABLE rooms (
        id             TEXT PRIMARY KEY,
        event_code     TEXT NOT NULL REFERENCES events (code),
        name           TEXT NOT NULL,
        position       INTEGER NOT NULL,
        screen_poll_id TEXT,
        version        INTEGER NOT NULL DEFAULT 1,
        highlighted_question_id TEXT REFERENCES questions (id),
        moderator_token_hash TEXT,
        screen_mode    TEXT NOT NULL DEFAULT 'auto' CHECK (screen_mode IN ({_SCREEN_MODES_SQL})),
        parallel_polls INTEGER NOT NULL DEFAULT 0 CHECK (parallel_polls IN (0, 1)),
        applause_via_stream INTEGER NOT NULL DEFAULT 0 CHECK (applause_via_stream IN (0, 1)),
        FOREIGN KEY (screen_poll_id, id) REFERENCES polls (id, room_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX rooms_by_event ON rooms (event_code, position, id)",
    # For the foreign key check when a question is deleted (else a scan of all rooms).
    "CREATE INDEX rooms_by_highlight ON rooms (highlighted_question_id)",
    """
    CREATE TABLE participants (
        event_code     TEXT NOT NULL REFERENCES events (code),
        participant_id TEXT NOT NULL,
        token_hash     TEXT NOT NULL,
        created_at     TEXT,
        PRIMARY KEY (event_code, participant_id),
        UNIQUE (event_code, token_hash)
    ) WITHOUT ROWID
    """,
    *_JOIN_DDL,
    _polls_ddl("polls"),
    "CREATE INDEX polls_by_room ON polls (room_id, created_at, id)",
    # One row per (poll, participant): the current ballot. participant_id deliberately has no
    # foreign key: cast_vote does not know the event, and the hot path stays one b-tree write.
    """
    CREATE TABLE votes (
        poll_id        TEXT NOT NULL REFERENCES polls (id),
        participant_id TEXT NOT NULL,
        ballot         TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (poll_id, participant_id)
    ) WITHOUT ROWID
    """,
    # Requests already applied (votes, questions, upvotes: one namespace per participant), for
    # at-most-once retries. subject_id (the poll or question) and created_at are not part of the
    # key; they are there so old rows can be pruned later (by subject or by age).
    """
    CREATE TABLE vote_requests (
        participant_id TEXT NOT NULL,
        request_id     TEXT NOT NULL,
        subject_id     TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        PRIMARY KEY (participant_id, request_id)
    ) WITHOUT ROWID
    """,
    *_QUESTION_DDL,
    *_PANEL_DDL,
    *_COUNTDOWN_DDL,
    *_IDEAS_DDL,
    *_FORUM_DDL,
    *_MOOD_DDL,
    *_AGENDA_DDL,
    *_LOGO_DDL,
    *_HIDDEN_DDL,
    *_BLOCKLIST_DDL,
    *_PACE_DDL,
    *_SURVEY_DDL,
)

# from_version -> statements that migrate to from_version + 1.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        *_QUESTION_DDL,
        "ALTER TABLE events ADD COLUMN questions_need_approval INTEGER NOT NULL DEFAULT 1"
        " CHECK (questions_need_approval IN (0, 1))",
        "ALTER TABLE events ADD COLUMN names_allowed INTEGER NOT NULL DEFAULT 1"
        " CHECK (names_allowed IN (0, 1))",
        # A REFERENCES column may be added while foreign keys are on because its default is NULL.
        "ALTER TABLE rooms ADD COLUMN highlighted_question_id TEXT REFERENCES questions (id)",
        "CREATE INDEX rooms_by_highlight ON rooms (highlighted_question_id)",
        "ALTER TABLE vote_requests RENAME COLUMN poll_id TO subject_id",
    ),
    2: _MOOD_DDL,
    3: (
        "ALTER TABLE events ADD COLUMN starts_on TEXT",
        "ALTER TABLE events ADD COLUMN ends_on TEXT",
        "ALTER TABLE rooms ADD COLUMN moderator_token_hash TEXT",
        "ALTER TABLE rooms ADD COLUMN screen_mode TEXT NOT NULL DEFAULT 'auto'"
        f" CHECK (screen_mode IN ({_SCREEN_MODES_SQL}))",
        # NULL default: allowed while foreign keys are on (see version 2).
        "ALTER TABLE polls ADD COLUMN agenda_item_id TEXT REFERENCES agenda_items (id)",
        *_AGENDA_DDL,
    ),
    4: (
        "ALTER TABLE events ADD COLUMN brand_color TEXT",
        "ALTER TABLE events ADD COLUMN logo_version TEXT",
        *_LOGO_DDL,
        "ALTER TABLE polls ADD COLUMN screen_results TEXT NOT NULL DEFAULT 'live'"
        f" CHECK (screen_results IN ({_SCREEN_RESULTS_SQL}))",
        "ALTER TABLE polls ADD COLUMN max_answers INTEGER NOT NULL DEFAULT 1"
        " CHECK (max_answers BETWEEN 1 AND 3)",
        # Until now the phones' setting kept results off the projector as well (see the module
        # docstring): the existing polls keep showing what they showed.
        "UPDATE polls SET screen_results = 'after_close' WHERE visibility != 'live'",
        *_HIDDEN_DDL,
    ),
    5: (
        "ALTER TABLE rooms ADD COLUMN parallel_polls INTEGER NOT NULL DEFAULT 0"
        " CHECK (parallel_polls IN (0, 1))",
    ),
    6: (
        "ALTER TABLE events ADD COLUMN join_code_secret TEXT",
        "ALTER TABLE participants ADD COLUMN created_at TEXT",
        *_JOIN_DDL,
        "ALTER TABLE polls ADD COLUMN joined_before_only INTEGER NOT NULL DEFAULT 0"
        " CHECK (joined_before_only IN (0, 1))",
    ),
    7: _POLLS_REBUILD,
    8: (
        "ALTER TABLE rooms ADD COLUMN applause_via_stream INTEGER NOT NULL DEFAULT 0"
        " CHECK (applause_via_stream IN (0, 1))",
    ),
    9: (
        "ALTER TABLE events ADD COLUMN blocklist_default INTEGER NOT NULL DEFAULT 1"
        " CHECK (blocklist_default IN (0, 1))",
        *_BLOCKLIST_DDL,
    ),
    10: _PANEL_DDL,
    11: _PACE_DDL,
    12: _COUNTDOWN_DDL,
    13: _IDEAS_DDL,
    14: _FORUM_DDL,
    15: _SURVEY_DDL,
}
# from_version -> a job run after that step's statements, for a change that must read first.
_MIGRATION_JOBS: dict[int, Callable[[sqlite3.Connection], None]] = {
    13: _widen_screen_modes("slide", "ideas"),
    14: _widen_screen_modes("ideas", "forums"),
}


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create or migrate the schema. Runs inside the caller's write transaction, so a half-made
    schema is never committed. (Not executescript: that would COMMIT the open transaction.)"""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchall()
    if not exists:
        for statement in _DDL:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (id, version) VALUES (1, ?)", (SCHEMA_VERSION,))
        return
    rows = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchall()
    if not rows:
        raise StoreError("schema_version table is empty: not a live database")
    version = int(rows[0][0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {version} is newer than this program ({SCHEMA_VERSION})"
        )
    while version < SCHEMA_VERSION:
        for statement in _MIGRATIONS[version]:
            conn.execute(statement)
        if version in _MIGRATION_JOBS:
            _MIGRATION_JOBS[version](conn)
        version += 1
    conn.execute("UPDATE schema_version SET version = ? WHERE id = 1", (version,))


# --- codecs ---------------------------------------------------------------------------------


def to_iso(value: datetime) -> str:
    if value.tzinfo is None:
        # A naive datetime would be guessed at; refuse it so the bug shows where it is made.
        raise ValueError(f"naive datetime {value!r}: the store needs timezone-aware datetimes")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def check_pace(value: str) -> None:
    """A pace value is one of live.domain.pace.VALUES (both backends refuse anything else)."""
    if value not in PACE_VALUES:
        raise ValueError(f"pace {value!r} is not one of {PACE_VALUES}")


def check_mood(value: int) -> None:
    """A mood is an int from 1 to 5 (both backends refuse anything else before writing)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(f"mood {value!r} is not an integer from 1 to 5")


def applause_seconds(samples: Sequence[tuple[datetime, float]]) -> dict[datetime, float]:
    """The samples reduced to their whole seconds (UTC, microseconds zero), the maximum level
    per second, oldest first. ValueError for a naive datetime or a level that is not finite."""
    best: dict[datetime, float] = {}
    for at, level in samples:
        if at.tzinfo is None:
            raise ValueError(f"naive datetime {at!r}: the store needs timezone-aware datetimes")
        level = float(level)
        if not math.isfinite(level):
            raise ValueError(f"applause level {level!r} is not finite")
        second = at.astimezone(UTC).replace(microsecond=0)
        if second not in best or level > best[second]:
            best[second] = level
    return dict(sorted(best.items()))


def opt_iso(value: datetime | None) -> str | None:
    return None if value is None else to_iso(value)


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def opt_from_iso(text: str | None) -> datetime | None:
    return None if text is None else from_iso(text)


def encode_ballot(ballot: Ballot) -> str:
    # Only the fields in use: the JSON reads like the ballot ({"choices": [0, 2]},
    # {"texts": ["Mehr Personal", "Zeit"]}) and decode_ballot(encode_ballot(b)) == b.
    data: dict[str, Any] = {}
    if ballot.choices:
        data["choices"] = list(ballot.choices)
    if ballot.value is not None:
        data["value"] = ballot.value
    if ballot.texts:
        data["texts"] = list(ballot.texts)
    if ballot.ranking:
        data["ranking"] = list(ballot.ranking)
    if ballot.points:
        data["points"] = list(ballot.points)
    return orjson.dumps(data).decode()


# A room's ballots are re-read for every tick while phones show their own choice, and a poll has
# a handful of distinct ballots (one per option): decoded once each, shared (a Ballot is frozen).
# At 10,000 voters decoding was most of the read, and the read holds the interpreter lock.
@functools.lru_cache(maxsize=4096)
def decode_ballot(text: str) -> Ballot:
    data = orjson.loads(text)
    # Ballots stored before several answers were possible hold one "text".
    texts = data.get("texts") or ([data["text"]] if isinstance(data.get("text"), str) else [])
    return Ballot(
        choices=tuple(int(c) for c in data.get("choices", ())),
        value=data.get("value"),
        texts=tuple(str(t) for t in texts),
        ranking=tuple(int(r) for r in data.get("ranking", ())),
        points=tuple(int(p) for p in data.get("points", ())),
    )


def encode_options(options: tuple[str, ...]) -> str:
    return orjson.dumps(list(options)).decode()


EVENT_COLUMNS = (
    "code, title, created_at, moderator_token_hash, questions_need_approval, names_allowed,"
    " starts_on, ends_on, brand_color, logo_version, join_code_secret, question_labels"
)


# What get_event reads: the columns create_event writes, and the blocklist's switch (written by
# set_blocklist_default only; a new event starts with the default list on).
EVENT_READ_COLUMNS = EVENT_COLUMNS + ", blocklist_default"


def check_block_kind(kind: str) -> None:
    if kind not in BLOCK_KINDS:
        raise ValueError(f"unknown kind of blocklist entry {kind!r}")


def to_day(value: date | None) -> str | None:
    """An event day as ISO text (YYYY-MM-DD, so it sorts and compares as text)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        # A datetime is a date too, but its isoformat() is no day: refuse the mix-up.
        raise ValueError(f"{value!r} is a datetime, not a day")
    return value.isoformat()


def from_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def check_screen_mode(mode: str) -> ScreenMode:
    if mode not in SCREEN_MODES:
        raise ValueError(f"unknown screen mode {mode!r}")
    return mode


def check_screen_results(value: str) -> ScreenResults:
    if value not in SCREEN_RESULTS:
        raise ValueError(f"unknown screen results setting {value!r}")
    return value


def check_opening(poll: Poll) -> str:
    """The opened_at of a poll given to open_poll, as stored (ValueError unless the poll is
    open and has one: both backends refuse before writing)."""
    if poll.state != "open" or poll.opened_at is None:
        raise ValueError(f"poll {poll.id!r}: open_poll needs an open poll with opened_at")
    return to_iso(poll.opened_at)


def check_hidden_kind(kind: str) -> None:
    if kind not in HIDDEN_KINDS:
        raise ValueError(f"unknown kind of hidden entry {kind!r}")


def event_params(event: Event) -> tuple[Any, ...]:
    """Values for EVENT_COLUMNS, in order. ValueError for a logo_version: a new event has no
    logo (set_logo stores it with its bytes)."""
    if event.logo_version is not None:
        raise ValueError(f"event {event.code!r}: a logo comes with set_logo, not create_event")
    if event.question_labels:
        raise ValueError(f"event {event.code!r}: labels come with set_question_labels")
    return (
        event.code,
        event.title,
        to_iso(event.created_at),
        event.moderator_token_hash,
        int(event.questions_need_approval),
        int(event.names_allowed),
        to_day(event.starts_on),
        to_day(event.ends_on),
        event.brand_color,
        event.logo_version,
        event.join_code_secret,
        "[]",
    )


def event_from_row(row: tuple[Any, ...], blocklist: Sequence[tuple[str, str]] = ()) -> Event:
    """A row of EVENT_READ_COLUMNS; ``blocklist``: its (kind, shown) rows ordered by entry."""
    return Event(
        code=row[0],
        title=row[1],
        created_at=from_iso(row[2]),
        moderator_token_hash=row[3],
        questions_need_approval=bool(row[4]),
        names_allowed=bool(row[5]),
        starts_on=from_day(row[6]),
        ends_on=from_day(row[7]),
        brand_color=row[8],
        logo_version=row[9],
        join_code_secret=row[10],
        question_labels=tuple(orjson.loads(row[11])),
        blocklist_default=bool(row[12]),
        blocklist_added=tuple(shown for kind, shown in blocklist if kind == "added"),
        blocklist_removed=tuple(shown for kind, shown in blocklist if kind == "removed"),
    )


ROOM_COLUMNS = (
    "id, event_code, name, position, screen_poll_id, highlighted_question_id,"
    " moderator_token_hash, screen_mode, parallel_polls, applause_via_stream, screen_label"
)
# What reading a room selects: ROOM_COLUMNS, the countdown (written by set_countdown only) and
# ideas_open (set_ideas_open's) and the forums' results (set_forum_results only).
ROOM_SELECT = (
    f"{ROOM_COLUMNS}, countdown_label, countdown_ends_at, countdown_left_ms, ideas_open,"
    " forum_shown, forum_poll_id"
)


def room_params(room: Room) -> tuple[Any, ...]:
    """Values for ROOM_COLUMNS, in order. ValueError for a screen_label: a new room's
    projector shows every question (set_screen_label changes it)."""
    if room.screen_label is not None:
        raise ValueError(f"room {room.id!r}: the label filter comes with set_screen_label")
    if room.forum_shown is not None or room.forum_poll_id is not None:
        raise ValueError(f"room {room.id!r}: the forums' results come with set_forum_results")
    return (
        room.id,
        room.event_code,
        room.name,
        room.position,
        room.screen_poll_id,
        room.highlighted_question_id,
        room.moderator_token_hash,
        check_screen_mode(room.screen_mode),
        int(room.parallel_polls),
        int(room.applause_via_stream),
        None,
    )


def room_from_row(row: tuple[Any, ...]) -> Room:
    return Room(
        id=row[0],
        event_code=row[1],
        name=row[2],
        position=row[3],
        screen_poll_id=row[4],
        highlighted_question_id=row[5],
        moderator_token_hash=row[6],
        screen_mode=cast("ScreenMode", row[7]),  # the CHECK constraint guarantees it
        parallel_polls=bool(row[8]),
        applause_via_stream=bool(row[9]),
        screen_label=row[10],
        countdown=countdown_from_row(row[11:14]) if len(row) > 11 else None,
        ideas_open=bool(row[14]) if len(row) > 14 else False,
        forum_shown=None if len(row) <= 15 or row[15] is None else bool(row[15]),
        forum_poll_id=row[16] if len(row) > 16 else None,
    )


def countdown_params(countdown: Countdown | None) -> dict[str, str | int | None]:
    """The room columns of a countdown (all None: none)."""
    if countdown is None:
        return {"countdown_label": None, "countdown_ends_at": None, "countdown_left_ms": None}
    return {
        "countdown_label": countdown.label,
        "countdown_ends_at": opt_iso(countdown.ends_at),
        "countdown_left_ms": None if countdown.ends_at is not None else countdown.left_ms or 0,
    }


def countdown_from_row(row: Sequence[Any]) -> Countdown | None:
    label, ends_at, left = row
    if label is None:
        return None
    return Countdown(label, ends_at=opt_from_iso(ends_at), left_ms=None if ends_at else left or 0)


AGENDA_COLUMNS = "id, event_code, room_id, title, speaker, starts_at, ends_at"


def agenda_params(item: AgendaItem) -> tuple[Any, ...]:
    """Values for AGENDA_COLUMNS, in order."""
    return (
        item.id,
        item.event_code,
        item.room_id,
        item.title,
        item.speaker,
        to_iso(item.starts_at),
        to_iso(item.ends_at),
    )


def agenda_from_row(row: tuple[Any, ...]) -> AgendaItem:
    return AgendaItem(
        id=row[0],
        event_code=row[1],
        room_id=row[2],
        title=row[3],
        speaker=row[4],
        starts_at=from_iso(row[5]),
        ends_at=from_iso(row[6]),
    )


QUESTION_COLUMNS = (
    "id, event_code, room_id, participant_id, text, name, state, answer, created_at, label"
)
# Read with a question, never written by add_question or update_question (merge_questions's).
QUESTION_MERGE_COLUMNS = "merged_into, co_authors"


def question_params(question: Question) -> tuple[Any, ...]:
    """Values for QUESTION_COLUMNS, in order (upvotes are counted, never stored)."""
    return (
        question.id,
        question.event_code,
        question.room_id,
        question.participant_id,
        question.text,
        question.name,
        question.state,
        question.answer,
        to_iso(question.created_at),
        question.label,
    )


def question_from_row(row: tuple[Any, ...]) -> Question:
    """A row of QUESTION_COLUMNS, QUESTION_MERGE_COLUMNS and the upvote count."""
    return Question(
        id=row[0],
        event_code=row[1],
        room_id=row[2],
        participant_id=row[3],
        text=row[4],
        name=row[5],
        state=cast("QuestionState", row[6]),
        answer=row[7],
        created_at=from_iso(row[8]),
        label=row[9],
        merged_into=row[10],
        co_authors=tuple(orjson.loads(row[11])),
        upvotes=int(row[12]),
    )


IDEA_COLUMNS = "id, event_code, room_id, participant_id, text, state, created_at"


def idea_params(idea: Idea) -> tuple[Any, ...]:
    """Values for IDEA_COLUMNS, in order (upvotes are counted, marked is set_idea_marked's)."""
    return (
        idea.id,
        idea.event_code,
        idea.room_id,
        idea.participant_id,
        idea.text,
        check_idea_state(idea.state),
        to_iso(idea.created_at),
    )


def check_idea_state(state: str) -> IdeaState:
    if state not in IDEA_STATES:
        raise ValueError(f"bad idea state {state!r}")
    return state  # narrowed by the membership test


def idea_from_row(row: tuple[Any, ...]) -> Idea:
    """A row of IDEA_COLUMNS, marked and the upvote count."""
    return Idea(
        id=row[0],
        event_code=row[1],
        room_id=row[2],
        participant_id=row[3],
        text=row[4],
        state=row[5],  # the CHECK constraint guarantees an IdeaState
        created_at=from_iso(row[6]),
        marked=bool(row[7]),
        upvotes=int(row[8]),
    )


POLL_COLUMNS = (
    "id, event_code, room_id, question, kind, options, scale_min, scale_max, state, visibility,"
    " created_at, opened_at, closed_at, agenda_item_id, screen_results, max_answers,"
    " joined_before_only, max_ranked, budget, scale_min_label, scale_max_label, survey_id"
)


def poll_params(poll: Poll) -> tuple[Any, ...]:
    """Values for POLL_COLUMNS, in order."""
    return (
        poll.id,
        poll.event_code,
        poll.room_id,
        poll.question,
        poll.kind,
        encode_options(poll.options),
        poll.scale_min,
        poll.scale_max,
        poll.state,
        poll.visibility,
        to_iso(poll.created_at),
        opt_iso(poll.opened_at),
        opt_iso(poll.closed_at),
        poll.agenda_item_id,
        check_screen_results(poll.screen_results),
        poll.max_answers,
        int(poll.joined_before_only),
        poll.max_ranked,
        poll.budget,
        poll.scale_min_label,
        poll.scale_max_label,
        poll.survey_id,
    )


def poll_from_row(
    row: tuple[Any, ...],
    hidden_words: tuple[str, ...] = (),
    hidden_answers: tuple[str, ...] = (),
) -> Poll:
    """A row of POLL_COLUMNS, with the poll's hidden entries read from poll_hidden."""
    # The CHECK constraints in the DDL guarantee the Literal values; cast only informs mypy.
    return Poll(
        id=row[0],
        event_code=row[1],
        room_id=row[2],
        question=row[3],
        kind=cast("PollKind", row[4]),
        options=tuple(orjson.loads(row[5])),
        scale_min=row[6],
        scale_max=row[7],
        state=cast("PollState", row[8]),
        visibility=cast("Visibility", row[9]),
        created_at=from_iso(row[10]),
        opened_at=opt_from_iso(row[11]),
        closed_at=opt_from_iso(row[12]),
        agenda_item_id=row[13],
        screen_results=cast("ScreenResults", row[14]),
        max_answers=int(row[15]),
        joined_before_only=bool(row[16]),
        max_ranked=row[17],
        budget=row[18],
        scale_min_label=row[19],
        scale_max_label=row[20],
        survey_id=row[21],
        hidden_words=hidden_words,
        hidden_answers=hidden_answers,
    )
