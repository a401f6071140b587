"""Encoding of records in Redis hashes and of script replies, for the Redis store (redis.py).

Values are strings; a None field is an absent hash field. Datetimes and ballots use the same
codecs as SQLite (ISO 8601 UTC with microseconds; compact JSON), so both backends read back
exactly what was written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import orjson

from live.domain.models import (
    HIDDEN_KINDS,
    IDEA_STATES,
    POLL_KINDS,
    QUESTION_STATES,
    VISIBILITIES,
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
from live.redis_pool import failures_as
from live.store.base import DuplicateKey, StoreError
from live.store.sqlite_schema import (
    check_screen_mode,
    check_screen_results,
    decode_ballot,
    from_day,
    from_iso,
    opt_iso,
    to_day,
    to_iso,
)

POLL_STATES: tuple[PollState, ...] = ("draft", "open", "closed")

Home = tuple[str, str]  # (event code, room id) of a poll or question: its immutable index entry
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def translate_errors(what: str) -> contextlib.AbstractContextManager[None]:
    """Redis failures (connection, timeout, error reply) become StoreError, cause attached."""
    return failures_as(StoreError, what)


def check_reply(reply: list[Any], what: str) -> list[Any]:
    """Map a script's status reply to an exception, or return it (see redis_scripts.py)."""
    status = reply[0] if reply else None
    if status in ("ok", "seen"):
        return reply
    if status == "duplicate":
        raise DuplicateKey(f"{what} already exists")
    if status == "missing":
        raise StoreError(f"unknown {reply[1]} for {what}")
    raise StoreError(f"unexpected reply for {what}: {reply!r}")


def encode_home(code: str, room_id: str) -> str:
    return orjson.dumps([code, room_id]).decode()


def decode_home(value: str) -> Home:
    code, room_id = orjson.loads(value)
    return str(code), str(room_id)


def check_code(code: str) -> None:
    # The code is the hash tag: with a brace in it (or empty) the keys of one event would
    # scatter over several Cluster slots.
    if not code or "{" in code or "}" in code:
        raise ValueError(f"event code {code!r} cannot be a hash tag")


def ballot_counters(ballot: Ballot) -> str:
    """The counters a ballot adds to: a name adds one, "name*n" adds n (CAST_VOTE undoes an old
    ballot with exactly these). A choice listed twice counts once (SQLite counts distinct
    participants per option); out-of-range ones are counted but never read. A ranking counts
    "r:<place>:<option>" (the tally turns those into Borda points and first places: the
    points of a place depend on the number of options, which the vote does not know); points
    count "s:<option>*<points>" (the sum) and "c:<option>" (ballots giving it points)."""
    names = [f"c:{choice}" for choice in sorted(set(ballot.choices))]
    if ballot.value is not None:
        names.append(f"v:{ballot.value}")
    names.extend(f"r:{place}:{option}" for place, option in enumerate(ballot.ranking))
    for option, given in enumerate(ballot.points):
        if given > 0:
            names += [f"s:{option}*{given}", f"c:{option}"]
    return " ".join(names)


def decode_stored(stored: str) -> Ballot:
    return decode_ballot(stored.partition("|")[2])


def flag(value: bool) -> str:
    return "1" if value else "0"


def event_from_hash(code: str, row: Mapping[str, str]) -> Event:
    # The Q&A settings are absent in events stored before they existed: the defaults, True.
    # The days (ISO dates) are absent when not set, as in events stored before they existed;
    # so are the brand colour and the logo's version.
    return Event(
        code=code,
        title=row["title"],
        created_at=from_iso(row["created_at"]),
        moderator_token_hash=row["moderator_token_hash"],
        questions_need_approval=row.get("questions_need_approval", "1") != "0",
        names_allowed=row.get("names_allowed", "1") != "0",
        starts_on=from_day(row.get("starts_on")),
        ends_on=from_day(row.get("ends_on")),
        brand_color=row.get("brand_color"),
        logo_version=row.get("logo_version"),
        join_code_secret=row.get("join_code_secret"),
        blocklist_default=row.get("blocklist_default", "1") != "0",
        # A JSON list; absent while empty (and in events stored before labels, issue 24).
        question_labels=tuple(orjson.loads(row["question_labels"]))
        if "question_labels" in row
        else (),
    )


def day_arg(value: date | None) -> str:
    """An event day as a script argument: ISO date, '' for None (an absent field)."""
    return to_day(value) or ""


def room_args(room: Room) -> list[str]:
    """id, name, position, screen mode, room token hash ('' = none), parallel polls and
    applause via the stream ('1'/'0') of a new room: the per-room arguments of CREATE_ROOMS."""
    mode = check_screen_mode(room.screen_mode)
    if room.screen_label is not None:
        raise ValueError(f"room {room.id!r}: the label filter comes with set_screen_label")
    if room.forum_shown is not None or room.forum_poll_id is not None:
        raise ValueError(f"room {room.id!r}: the forums' results come with set_forum_results")
    return [
        room.id,
        room.name,
        str(room.position),
        mode,
        room.moderator_token_hash or "",
        flag(room.parallel_polls),
        flag(room.applause_via_stream),
    ]


def room_from_hash(code: str, row: Mapping[str, str]) -> Room:
    # screen_mode is absent while "auto" (the default, also of rooms stored before modes).
    return Room(
        id=row["id"],
        event_code=code,
        name=row["name"],
        position=int(row["position"]),
        screen_poll_id=row.get("screen_poll_id"),
        highlighted_question_id=row.get("highlighted_question_id"),
        moderator_token_hash=row.get("moderator_token_hash"),
        screen_mode=cast("ScreenMode", row.get("screen_mode", "auto")),
        # Absent while False (the default, also of rooms stored before the setting).
        parallel_polls=row.get("parallel_polls") == "1",
        applause_via_stream=row.get("applause_via_stream") == "1",
        # Absent while None (all questions), as in rooms stored before labels.
        screen_label=row.get("screen_label"),
        # All three absent: no countdown (also in rooms stored before countdowns).
        countdown=_countdown_from_hash(row),
        # Absent while off (also in rooms stored before the idea board).
        ideas_open=row.get("ideas_open") == "1",
        # Absent while the default (also in rooms stored before the forums' results).
        forum_shown=None if "forum_shown" not in row else row["forum_shown"] == "1",
        forum_poll_id=row.get("forum_poll_id"),
    )


def countdown_args(countdown: Countdown | None) -> list[str]:
    """The arguments of SET_COUNTDOWN: label, ends_at, left_ms ('' = absent), remove flag."""
    if countdown is None:
        return ["", "", "", "1"]
    if countdown.ends_at is not None:
        return [countdown.label, to_iso(countdown.ends_at), "", "0"]
    return [countdown.label, "", str(countdown.left_ms or 0), "0"]


def _countdown_from_hash(row: Mapping[str, str]) -> Countdown | None:
    label = row.get("countdown_label")
    if label is None:
        return None
    ends_at = row.get("countdown_ends_at")
    if ends_at:
        return Countdown(label, ends_at=from_iso(ends_at))
    return Countdown(label, left_ms=int(row.get("countdown_left_ms") or 0))


def agenda_fields(item: AgendaItem) -> list[str]:
    """Field, value, ... of the agenda item hash; a None speaker is left out."""
    values: dict[str, str | None] = {
        "id": item.id,
        "event_code": item.event_code,
        "room_id": item.room_id,
        "title": item.title,
        "speaker": item.speaker,
        "starts_at": to_iso(item.starts_at),
        "ends_at": to_iso(item.ends_at),
    }
    return [part for name, value in values.items() if value is not None for part in (name, value)]


def agenda_from_hash(row: Mapping[str, str]) -> AgendaItem:
    return AgendaItem(
        id=row["id"],
        event_code=row["event_code"],
        room_id=row["room_id"],
        title=row["title"],
        speaker=row.get("speaker"),
        starts_at=from_iso(row["starts_at"]),
        ends_at=from_iso(row["ends_at"]),
    )


def epoch_us(value: datetime) -> str:
    """Microseconds since 1970 (UTC), exact integer arithmetic: the score of a question in its
    room's sorted set and the rate limit's clock. Below 2^53, so exact as a double in Redis and
    Lua, for every date before the year 2255."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the store needs timezone-aware datetimes")
    return str((value - _EPOCH) // _MICROSECOND)


def from_epoch_us(score: str) -> datetime:
    """A moment stored as a sorted-set score by epoch_us (Redis may answer it as a float)."""
    return _EPOCH + int(float(score)) * _MICROSECOND


def question_fields(question: Question) -> list[str]:
    """Field, value, ... of the question hash; None fields are left out, upvotes (counted by
    the store) are not stored."""
    if question.state not in QUESTION_STATES:
        raise ValueError(f"question {question.id!r}: bad state {question.state!r}")
    values: dict[str, str | None] = {
        "id": question.id,
        "event_code": question.event_code,
        "room_id": question.room_id,
        "participant_id": question.participant_id,
        "text": question.text,
        "name": question.name,
        "state": question.state,
        "created_at": to_iso(question.created_at),
        "answer": question.answer,
        "label": question.label,
    }
    return [item for name, value in values.items() if value is not None for item in (name, value)]


def question_from_hash(row: Mapping[str, str], upvotes: int) -> Question:
    # Written only by question_fields and UPDATE_QUESTION, which check the state.
    return Question(
        id=row["id"],
        event_code=row["event_code"],
        room_id=row["room_id"],
        participant_id=row["participant_id"],
        text=row["text"],
        name=row.get("name"),
        state=cast("QuestionState", row["state"]),
        created_at=from_iso(row["created_at"]),
        answer=row.get("answer"),
        label=row.get("label"),
        upvotes=upvotes,
        # Written by MERGE_QUESTIONS only; absent in questions stored before issue 24.
        merged_into=row.get("merged_into"),
        co_authors=tuple(orjson.loads(row["co_authors"])) if "co_authors" in row else (),
    )


def idea_fields(idea: Idea) -> list[str]:
    """Field, value, ... of the idea hash (upvotes are counted, the mark is a set of the
    room: neither is stored here)."""
    if idea.state not in IDEA_STATES:
        raise ValueError(f"idea {idea.id!r}: bad state {idea.state!r}")
    return [
        "id",
        idea.id,
        "event_code",
        idea.event_code,
        "room_id",
        idea.room_id,
        "participant_id",
        idea.participant_id,
        "text",
        idea.text,
        "state",
        idea.state,
        "created_at",
        to_iso(idea.created_at),
    ]


def idea_from_hash(row: Mapping[str, str], upvotes: int, marked: bool) -> Idea:
    # Written only by idea_fields and SET_IDEA_STATE, which check the state.
    return Idea(
        id=row["id"],
        event_code=row["event_code"],
        room_id=row["room_id"],
        participant_id=row["participant_id"],
        text=row["text"],
        state=cast("IdeaState", row["state"]),
        created_at=from_iso(row["created_at"]),
        upvotes=upvotes,
        marked=marked,
    )


def poll_fields(poll: Poll) -> list[str]:
    """Field, value, field, value, ... of the poll hash; None fields are left out."""
    if poll.kind not in POLL_KINDS or poll.state not in POLL_STATES:
        raise ValueError(f"poll {poll.id!r}: bad kind or state")
    if poll.visibility not in VISIBILITIES:
        raise ValueError(f"poll {poll.id!r}: bad visibility")
    values: dict[str, str | None] = {
        "id": poll.id,
        "event_code": poll.event_code,
        "room_id": poll.room_id,
        "question": poll.question,
        "kind": poll.kind,
        "options": orjson.dumps(list(poll.options)).decode(),
        "scale_min": None if poll.scale_min is None else str(poll.scale_min),
        "scale_max": None if poll.scale_max is None else str(poll.scale_max),
        "state": poll.state,
        "visibility": poll.visibility,
        "created_at": to_iso(poll.created_at),
        "opened_at": opt_iso(poll.opened_at),
        "closed_at": opt_iso(poll.closed_at),
        "agenda_item_id": poll.agenda_item_id,
        "screen_results": check_screen_results(poll.screen_results),
        "max_answers": str(poll.max_answers),
        "joined_before_only": flag(poll.joined_before_only),
        # Issue 24; absent (None) for the kinds without them, as in polls stored before.
        "max_ranked": None if poll.max_ranked is None else str(poll.max_ranked),
        "budget": None if poll.budget is None else str(poll.budget),
        "scale_min_label": poll.scale_min_label,
        "scale_max_label": poll.scale_max_label,
        "survey_id": poll.survey_id,  # issue 24: absent for ordinary polls
    }
    return [item for name, value in values.items() if value is not None for item in (name, value)]


def hidden_field(kind: str, key: str) -> str:
    """The field of a hidden entry in the poll's ``hidden`` hash: "<kind>:<case-folded key>"."""
    if kind not in HIDDEN_KINDS:
        raise ValueError(f"unknown kind of hidden entry {kind!r}")
    return f"{kind}:{key}"


def hidden_from_hash(row: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(hidden words, hidden answers) as shown, each ordered by key, from the ``hidden`` hash."""
    found: dict[str, list[tuple[str, str]]] = {kind: [] for kind in HIDDEN_KINDS}
    for name, shown in row.items():
        kind, _, key = name.partition(":")
        found.setdefault(kind, []).append((key, shown))
    words, answers = (tuple(shown for _, shown in sorted(found[k])) for k in ("word", "answer"))
    return words, answers


def poll_from_hash(row: Mapping[str, str], hidden: Mapping[str, str] | None = None) -> Poll:
    """A poll from its hash, with its hidden entries from the ``hidden`` hash."""

    def opt_int(name: str) -> int | None:
        value = row.get(name)
        return None if value is None else int(value)

    opened, closed = row.get("opened_at"), row.get("closed_at")
    visibility = cast("Visibility", row["visibility"])
    # Absent in polls stored before the projector had a setting of its own: until then the
    # phones' setting kept the results off the projector as well (as SQLite's migration).
    screen_results = row.get("screen_results", "live" if visibility == "live" else "after_close")
    words, answers = hidden_from_hash(hidden or {})
    # Written only by poll_fields and UPDATE_POLL, which check the Literal values.
    return Poll(
        id=row["id"],
        event_code=row["event_code"],
        room_id=row["room_id"],
        question=row["question"],
        kind=cast("PollKind", row["kind"]),
        options=tuple(orjson.loads(row["options"])),
        scale_min=opt_int("scale_min"),
        scale_max=opt_int("scale_max"),
        state=cast("PollState", row["state"]),
        visibility=visibility,
        created_at=from_iso(row["created_at"]),
        opened_at=None if opened is None else from_iso(opened),
        closed_at=None if closed is None else from_iso(closed),
        agenda_item_id=row.get("agenda_item_id"),
        screen_results=cast("ScreenResults", screen_results),
        max_answers=int(row.get("max_answers", "1")),
        joined_before_only=row.get("joined_before_only") == "1",
        max_ranked=opt_int("max_ranked"),
        budget=opt_int("budget"),
        scale_min_label=row.get("scale_min_label"),
        scale_max_label=row.get("scale_max_label"),
        survey_id=row.get("survey_id"),
        hidden_words=words,
        hidden_answers=answers,
    )
