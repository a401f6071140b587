"""What one tick of a room's fan-out reads: the room's whole visible state at one version."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from live.domain import blocklist
from live.domain import polls as poll_rules
from live.domain import surveys as survey_rules
from live.domain.applause import ApplauseReading
from live.domain.bursts import Burst, find_burst, watch_from
from live.domain.forums import WALL_IDEAS, ForumColumn
from live.domain.models import Ballot, Event, Idea, Poll, Question, Results, Room, Survey
from live.domain.mood import MoodReading, course, mood_reading, per_minute
from live.domain.pace import NO_PACE, WINDOW, PaceReading, pace_reading
from live.fanout.forums import read_columns
from live.store import Store


@dataclass(frozen=True, slots=True)
class RoomState:
    version: int
    event: Event
    room: Room
    rooms: tuple[Room, ...]
    polls: tuple[Poll, ...]
    results: Mapping[str, Results]
    # participant id -> ballot, per open poll; only loaded while participant pages are connected.
    ballots: Mapping[str, Mapping[str, Ballot]] = field(default_factory=dict)
    # Every question of the room in every state, with upvote counts (views filter per reader).
    questions: tuple[Question, ...] = ()
    # The room's mood barometer: how many participants feel 1..5 right now, and the average.
    mood: MoodReading = field(default_factory=lambda: MoodReading((0, 0, 0, 0, 0), None))
    # The mood's course: the room's average per minute (from the durable mood log).
    mood_course: tuple[tuple[datetime, float], ...] = ()
    # The room's applause at this tick (short-lived; from the board, not the store).
    applause: ApplauseReading = field(default_factory=lambda: ApplauseReading(0.0, 0, 0))
    # Ids of questions deleted since the channel's first read (the JSON view announces them as
    # "removed" to sockets that may hold them; live/views/question_json.py).
    gone: frozenset[str] = frozenset()
    # Poll id -> the burst of made-up identities among its voters (live/domain/bursts.py), for
    # the moderators; polls without one are absent.
    bursts: Mapping[str, Burst] = field(default_factory=dict)
    # Pace and technics feedback that counts at ``read_at`` (live/domain/pace.py), and that
    # moment: the fan-out reads the room again when the earliest signal decays.
    pace: PaceReading = NO_PACE
    read_at: datetime | None = None
    # The room's idea board (issue 24): every idea in every state, oldest first (views filter
    # per reader). Read whole on every read: a forum's board holds tens of ideas, not thousands.
    ideas: tuple[Idea, ...] = ()
    # The forums' results (live/domain/forums.py), read only while the room's projector shows
    # them (screen mode "forums"); None otherwise.
    forums: tuple[ForumColumn, ...] | None = None
    # The room's self-paced surveys (issue 24), oldest first. Their questions are not in
    # ``polls``: every view of the room's polls deals with ordinary polls only.
    surveys: tuple[Survey, ...] = ()
    # Survey id -> how many started and finished it (the console's count), for the surveys
    # that were opened.
    survey_progress: Mapping[str, survey_rules.Progress] = field(default_factory=dict)

    @property
    def pace_decays_in(self) -> float | None:
        """Seconds from the read until the pace changes by itself (None: it will not)."""
        if self.pace.decays_at is None or self.read_at is None:
            return None
        return (self.pace.decays_at - self.read_at).total_seconds()

    @property
    def highlighted(self) -> Question | None:
        wanted = self.room.highlighted_question_id
        return next((q for q in self.questions if q.id == wanted), None) if wanted else None

    def poll(self, poll_id: str | None) -> Poll | None:
        return next((p for p in self.polls if p.id == poll_id), None)

    @property
    def open_polls(self) -> tuple[Poll, ...]:
        """Open polls, the most recently opened first."""
        return poll_rules.open_newest_first(self.polls)


async def load_room_state(
    store: Store,
    room_id: str,
    dirty_polls: set[str] | None,
    with_ballots: bool,
    previous: RoomState | None,
    *,
    ballots_of: str | None = None,
    dirty_questions: set[str] | None = None,
    now: datetime | None = None,
    pace_window: timedelta = WINDOW,
) -> RoomState:
    """Read the room. The version is read first, so everything read after it is at least that new
    and a client holding this version has seen every change up to it.

    ``with_ballots`` loads every ballot of the open polls (the fan-out needs them for the
    participant variants); ``ballots_of`` loads only one participant's (a page request).

    Results of polls that did not change since ``previous`` are reused (``dirty_polls`` names the
    ones that did; None means all), which keeps a tick cheap in rooms with many closed polls.
    Likewise the questions: with ``previous`` and a set of ``dirty_questions`` only those are
    read again (a room may hold 10,000 questions, and an upvote changes one); None reads all.

    ``now`` (the services' clock) is the moment the pace signals are judged at (None: no pace
    is read).

    After the version the reads go out together, in two rounds (the second needs the room and
    its polls): on a busy process each awaited reply costs a turn of the event loop, and the
    projector waited for ten of them one after the other (docs/benchmarks.md).
    """
    version = await store.room_version(room_id)
    room, polls_list, questions, mood_values, signals, ideas = await asyncio.gather(
        store.get_room(room_id),
        store.list_polls(room_id),
        _questions(store, room_id, dirty_questions, previous),
        store.mood_values(room_id),
        store.pace_signals(room_id) if now is not None else _no_signals(),
        store.ideas(room_id),
    )
    if room is None:
        raise LookupError(room_id)
    # A survey's questions are shown inside their survey only (live/domain/surveys.py).
    polls = survey_rules.ordinary(polls_list)
    mood = mood_reading(mood_values)
    pace = pace_reading(signals, now, pace_window) if now is not None else NO_PACE
    old_polls = {p.id: p for p in previous.polls} if previous is not None else {}
    results: dict[str, Results] = {}
    to_tally: list[Poll] = []
    for poll in polls:
        reusable = (
            previous is not None
            and dirty_polls is not None
            and poll.id not in dirty_polls
            and old_polls.get(poll.id) == poll
            and poll.id in previous.results
        )
        if reusable:
            assert previous is not None
            results[poll.id] = previous.results[poll.id]
        else:
            to_tally.append(poll)
    open_ids = [p.id for p in polls if p.state == "open"]
    # Replaying the mood log is O(changes): only when the mood may have changed.
    new_mood = previous is None or mood != previous.mood
    # Re-read each tick: the event's Q&A settings can change.
    event, (rooms_list, surveys), tallies, recent, ballots, mood_log = await asyncio.gather(
        store.get_event(room.event_code),
        _rooms_and_surveys(store, room.event_code),
        asyncio.gather(*(store.tally(poll) for poll in to_tally)),
        asyncio.gather(*(_recent_voters(store, poll) for poll in to_tally)),
        _ballots(store, open_ids, with_ballots, ballots_of),
        store.mood_log(room_id) if new_mood else _nothing(),
    )
    if event is None:
        raise LookupError(room.event_code)
    room_surveys = tuple(s for s in surveys if s.room_id == room_id)
    # Bursts change with the ballots, as results do: reused for the polls not tallied again.
    bursts = {
        poll_id: burst
        for poll_id, burst in (previous.bursts.items() if previous is not None else ())
        if poll_id in results
    }
    for poll, tally, created in zip(to_tally, tallies, recent, strict=True):
        results[poll.id] = poll_rules.results(poll, tally, blocklist.for_event(event))
        burst = find_burst(created, tally.voters, poll.opened_at)
        if burst is None:
            bursts.pop(poll.id, None)
        else:
            bursts[poll.id] = burst
    if mood_log is not None:
        mood_course = tuple(per_minute(course(mood_log)))
    else:
        assert previous is not None
        mood_course = previous.mood_course
    rooms = tuple(rooms_list)
    applause = previous.applause if previous is not None else ApplauseReading(0.0, 0, 0)
    gone = _gone(previous, questions)
    forums = await _forums(store, event, room, rooms, dirty_polls, previous)
    return RoomState(
        version,
        event,
        room,
        rooms,
        polls,
        results,
        ballots,
        questions,
        mood,
        mood_course,
        applause,
        gone,
        bursts,
        pace,
        now,
        tuple(ideas),
        forums,
        room_surveys,
        await _survey_progress(store, room_surveys, dirty_polls, previous),
    )


async def _forums(
    store: Store,
    event: Event,
    room: Room,
    rooms: tuple[Room, ...],
    dirty_polls: set[str] | None,
    previous: RoomState | None,
) -> tuple[ForumColumn, ...] | None:
    """The forums' columns while the projector shows them. Kept from ``previous`` when the
    read knows what changed (votes, questions, pace of this room: ``dirty_polls`` is a set);
    read again after anything else, such as a forum's notice (forums.changed) or a switch."""
    if room.screen_mode != "forums":
        return None
    if previous is not None and previous.forums is not None and dirty_polls is not None:
        return previous.forums
    return await read_columns(store, event, rooms, idea_limit=WALL_IDEAS)


async def _survey_progress(
    store: Store,
    surveys: tuple[Survey, ...],
    dirty: set[str] | None,
    previous: RoomState | None,
) -> dict[str, survey_rules.Progress]:
    """Started and finished per opened survey: read again only when one of its questions got
    a vote since ``previous`` (a survey's ballots are read whole: it needs who answered what)."""
    found: dict[str, survey_rules.Progress] = {}
    for survey in surveys:
        if survey.state == "draft":
            continue
        kept = previous.survey_progress.get(survey.id) if previous is not None else None
        if kept is not None and dirty is not None and dirty.isdisjoint(survey.poll_ids):
            found[survey.id] = kept
            continue
        found[survey.id] = survey_rules.progress(survey, await store.ballots(list(survey.poll_ids)))
    return found


async def _rooms_and_surveys(store: Store, code: str) -> tuple[list[Room], list[Survey]]:
    rooms, surveys = await asyncio.gather(store.list_rooms(code), store.list_surveys(code))
    return rooms, surveys


async def _questions(
    store: Store, room_id: str, dirty: set[str] | None, previous: RoomState | None
) -> tuple[Question, ...]:
    """The room's questions, oldest first: all from the store, or ``previous``'s with the
    ``dirty`` ones read again (a deleted one is dropped, a new one added)."""
    if previous is None or dirty is None:
        return tuple(await store.list_questions(room_id))
    if not dirty:
        return previous.questions
    wanted = sorted(dirty)
    fresh = await asyncio.gather(*(store.get_question(qid) for qid in wanted))
    found = {
        qid: q
        for qid, q in zip(wanted, fresh, strict=True)
        # A merged duplicate leaves the lists as a deleted one does (list_questions agrees).
        if q is not None and q.room_id == room_id and q.merged_into is None
    }
    kept = [found.pop(q.id, q) for q in previous.questions if q.id not in dirty or q.id in found]
    if not found:
        return tuple(kept)
    # Questions new to this room: in the order list_questions keeps (oldest first, then id).
    return tuple(sorted((*kept, *found.values()), key=lambda q: (q.created_at, q.id)))


def _gone(previous: RoomState | None, questions: tuple[Question, ...]) -> frozenset[str]:
    """The ids deleted since the first read: ``previous.gone`` and those that left now (one
    that came back, which ids never do, would be dropped from the set)."""
    if previous is None:
        return frozenset()
    if previous.questions is questions:
        return previous.gone
    now = {q.id for q in questions}
    left = {q.id for q in previous.questions if q.id not in now}
    if not left and not previous.gone:
        return previous.gone
    return (previous.gone - now) | left


async def _recent_voters(store: Store, poll: Poll) -> list[datetime]:
    """The creation times the burst check needs (none for a poll never opened)."""
    if poll.opened_at is None:
        return []
    return await store.voters_created_since(poll.id, watch_from(poll.opened_at))


async def _ballots(
    store: Store, open_ids: list[str], with_ballots: bool, ballots_of: str | None
) -> Mapping[str, Mapping[str, Ballot]]:
    if open_ids and with_ballots:
        return await store.ballots(open_ids)
    if open_ids and ballots_of is not None:
        own = await store.participant_ballots(ballots_of, open_ids)
        return {poll_id: {ballots_of: ballot} for poll_id, ballot in own.items()}
    return {}


async def _nothing() -> None:
    return None


async def _no_signals() -> list[tuple[str, str, datetime]]:
    return []
