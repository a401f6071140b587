"""The store interface. Every backend (SQLite now, Redis later) passes tests/store/ unchanged.

Invariants every backend keeps:
- Writes that belong together happen in one atomic step (one transaction / one script);
  never read-modify-write across awaits.
- Every write that changes what a room shows increments that room's ``version`` in the same step,
  and returns the new version.
- A vote is an upsert keyed by (poll, participant). With a ``request_id`` the vote is recorded at
  most once per (participant, request_id): a repeat changes nothing and reports ``applied=False``.
- ``cast_vote`` checks that the poll is open inside the same atomic step as the write, so a vote
  racing a close is either counted before the close or refused.
- A method returns only after the change is durable: SQLite commits with synchronous=FULL;
  Redis has it in its AOF, fsynced within a second (appendfsync everysec): a crash of the app
  loses nothing, a crash of the Redis host itself at most the last second (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from live.domain.blocklist import BlockKind
from live.domain.models import (
    AgendaItem,
    Ballot,
    Countdown,
    Event,
    HiddenKind,
    Idea,
    IdeaState,
    Logo,
    Poll,
    Question,
    Room,
    ScreenMode,
    Survey,
    Tally,
)

# The mutable fields of a question (update_question writes a subset of them).
QUESTION_FIELDS: tuple[str, ...] = ("text", "name", "state", "answer", "label")


class StoreError(Exception):
    """The backend failed (I/O, connection); the operation may not have happened. Retry is safe
    for votes with a request_id."""


class DataLost(StoreError):
    """The backend answers, but no longer holds the data this store opened: a Redis that was
    flushed, restarted without persistence, or replaced by another server (its marker key is
    gone or another). Not retryable: the events are gone until they are restored."""


class DuplicateKey(StoreError):
    """An id or code that must be unique is taken (the caller picks a new one)."""


class QuestionClosed(Exception):
    """upvote/unvote on a question whose state is not approved or answered at write time."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


class IdeaClosed(Exception):
    """An idea upvote, or marking an idea, while the idea is not approved at write time."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


class TooManyMarked(Exception):
    """set_idea_marked: the room has ``limit`` marked ideas already (counted at write time)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class MergeRefused(Exception):
    """merge_questions: the two questions cannot be merged as they are at write time.
    ``reason``: "self" (one question), "other_room", or "merged" (either side was merged
    into another question already). split_question: "target_merged" (the question it went
    into was merged on into a third one: split that one off first)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooSoon(Exception):
    """add_question: the participant asked another question in this event after ``not_before``."""


class PollNotOpen(Exception):
    """cast_vote on a poll whose state is not ``open`` at the moment of the write."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


class JoinedAfterOpening(Exception):
    """cast_vote in a poll for participants who joined before it opened (Poll.
    joined_before_only), from a participant created after the poll's opened_at."""


@dataclass(frozen=True, slots=True)
class PollOpened:
    """What ``open_poll`` did: the room's new version and the ids of the polls it closed (by
    id; empty when none was open or the room allows parallel polls)."""

    version: int
    closed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    applied: bool  # False: the request_id was seen before; nothing changed
    version: int  # the room's version after the call


class Store(Protocol):
    async def open(self) -> None:
        """Connect / create the schema. Called once from the app's lifespan."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise StoreError when the backend does not answer, DataLost when it answers without
        the data it held when this store opened (used by /healthz and live/service/integrity.py;
        a SQLite file cannot lose its data behind the app's back)."""

    def tick_reader(self) -> Store:
        """This store for the fan-out's reads of room state, once per tick (after open()). A
        store whose requests share a pool of connections gives the ticks their own (Redis):
        otherwise the projector's update queued behind every vote of a burst. Others return
        themselves."""

    # events and rooms
    async def create_event(self, event: Event, rooms: Sequence[Room]) -> None:
        """Insert the event with its rooms atomically. DuplicateKey if the code exists.
        ValueError for an event with a logo_version (a logo comes with set_logo)."""

    async def get_event(self, code: str) -> Event | None: ...

    async def list_rooms(self, event_code: str) -> list[Room]:
        """Rooms of the event ordered by position."""

    async def get_room(self, room_id: str) -> Room | None: ...

    async def add_room(self, room: Room) -> int:
        """Insert a room; returns its version (1)."""

    async def room_version(self, room_id: str) -> int: ...

    # event setup (issue 7)
    async def update_event(
        self, code: str, *, title: str, starts_on: date | None, ends_on: date | None
    ) -> list[tuple[str, int]]:
        """Store title and days; bumps every room's version, returns [(room_id, new_version)]."""

    async def rename_room(self, room_id: str, name: str) -> int:
        """Returns the room's new version."""

    async def set_room_token(self, room_id: str, token_hash: str | None) -> None:
        """The room moderator token's hash (None revokes the room link). No version bump."""

    async def set_parallel_polls(self, room_id: str, allowed: bool) -> int:
        """Whether several polls of the room may be open at once (Room.parallel_polls).
        Returns the room's new version. StoreError for an unknown room."""

    async def set_applause_via_stream(self, room_id: str, on: bool) -> int:
        """Whether the room's applause comes over the stream (Room.applause_via_stream).
        Returns the room's new version. StoreError for an unknown room."""

    async def set_countdown(self, room_id: str, countdown: Countdown | None) -> int:
        """Replace the room's countdown (None: remove it). Last write wins: moderators act on
        it one at a time. Returns the new version. StoreError for an unknown room."""

    async def set_screen_mode(self, room_id: str, mode: ScreenMode, poll_id: str | None) -> int:
        """What the projector shows. poll_id replaces screen_poll_id when given (modes "poll"
        and "words"); None keeps it. Modes "join", "poll" and "slide" clear the highlighted
        question (as opening a poll does), in the same atomic step. Returns the new version."""

    async def add_agenda_item(self, item: AgendaItem) -> None: ...

    async def update_agenda_item(self, item: AgendaItem) -> None:
        """Store room_id, title, speaker, starts_at, ends_at of an existing item."""

    async def delete_agenda_item(self, item_id: str) -> None:
        """Remove the item; polls prepared for it keep existing with agenda_item_id None."""

    async def get_agenda_item(self, item_id: str) -> AgendaItem | None: ...

    async def list_agenda(self, event_code: str) -> list[AgendaItem]:
        """The event's program ordered by starts_at, then the room's position, then id."""

    async def participant_count(self, event_code: str) -> int:
        """How many participant identities joined the event (for the report)."""

    # branding (issue 17)
    async def set_brand_color(self, code: str, color: str | None) -> None:
        """The event's primary colour ("#rrggbb", checked by the caller; None: the app's own).
        No version bump: pages read the brand when they load, nothing live shows it.
        StoreError for an unknown event."""

    async def set_logo(self, code: str, logo: Logo | None) -> None:
        """Store the logo (None removes it) and Event.logo_version (its version, or None) in
        one atomic step. No version bump. StoreError for an unknown event."""

    async def get_logo(self, code: str) -> Logo | None:
        """The event's logo with its bytes; None without one (or without such an event)."""

    # data protection (issue 7)
    async def delete_event(self, code: str) -> list[str]:
        """Delete the event with everything in it (rooms, agenda, participants, polls, votes,
        request ids, questions, upvotes, moods, logs, applause timeline, logo) atomically.
        Returns the ids of the rooms it had (empty when there was no such event)."""

    async def events_ended_before(self, day: date) -> list[str]:
        """Codes of the events whose Event.last_day is before ``day``."""

    # participants
    async def add_participant(
        self,
        event_code: str,
        participant_id: str,
        token_hash: str,
        created_at: datetime | None = None,
    ) -> None:
        """``created_at``: when the identity was made (None: unknown, as for participants
        stored before it was kept; they count as joined before any poll opened)."""

    async def voters_created_since(self, poll_id: str, since: datetime) -> list[datetime]:
        """The creation times of the poll's voters created at or after ``since``, oldest first
        (for the burst check, live/domain/bursts.py). Those of unknown creation time are left
        out; an unknown poll has none."""

    async def set_join_code_secret(self, code: str, secret: str | None) -> None:
        """Event.join_code_secret (None: joining needs no code). No version bump: the pages
        that show the code ask for it themselves. StoreError for an unknown event."""

    async def participant_by_token(self, event_code: str, token_hash: str) -> str | None:
        """The participant id for a token hash within the event, else None."""

    # polls
    async def add_poll(self, poll: Poll) -> int:
        """Insert a poll; returns the room's new version."""

    async def get_poll(self, poll_id: str) -> Poll | None:
        """With its hidden words and answers (see set_hidden)."""

    async def list_polls(self, room_id: str) -> list[Poll]:
        """Polls of a room, oldest first (by created_at, then id), with their hidden entries."""

    async def update_poll(self, poll: Poll) -> int:
        """Store state, visibility, screen_results, opened_at, closed_at and joined_before_only
        of an existing poll (the other fields are immutable; the hidden entries are
        set_hidden's); when it is opened, also point the room's screen at it. Returns the
        room's new version. Other open polls stay open: opening as a moderator does goes
        through open_poll."""

    async def open_poll(self, poll: Poll) -> PollOpened:
        """Store ``poll`` (state "open", with opened_at) as update_poll does (but
        joined_before_only stays as stored: a stale copy never switches it), and in the same
        atomic step, unless its room allows parallel polls (read in that step too), close every
        other open poll of the room with closed_at = poll.opened_at. So two moderators opening
        two polls at the same moment never leave both open: the later open closes the earlier.
        ValueError for a poll that is not open or has no opened_at (before anything is
        written); StoreError for an unknown poll."""

    # self-paced surveys (issue 24; live/domain/surveys.py)
    async def add_survey(self, survey: Survey, polls: Sequence[Poll]) -> int:
        """Store the survey and its polls (``survey.poll_ids`` in order, each with
        ``survey_id``); the room's new version. DuplicateKey for a known id."""

    async def get_survey(self, event_code: str, survey_id: str) -> Survey | None:
        """The event's survey (None: unknown, or another event's)."""

    async def list_surveys(self, event_code: str) -> list[Survey]:
        """The event's surveys, oldest first."""

    async def save_survey(self, survey: Survey) -> int:
        """Write the survey's title, state, opened_at and closed_at, and put its polls in the
        same state with the same times, in one step (a participant never finds half of it
        open); the room's new version. StoreError for an unknown survey."""

    async def set_hidden(
        self, poll_id: str, kind: HiddenKind, key: str, shown: str, hidden: bool
    ) -> int:
        """Add (hidden=True) or remove ``key`` (the case-folded entry) in the poll's hidden
        words or answers (``kind``): set membership, idempotent, so moderators hiding different
        entries at once never undo each other. ``shown`` is how the entry is listed (Poll.
        hidden_words / hidden_answers, ordered by key); hiding a key again keeps one entry with
        the newer spelling. Bumps the room's version (also when nothing changed). StoreError
        for an unknown poll."""

    async def cast_vote(
        self,
        poll_id: str,
        participant_id: str,
        ballot: Ballot,
        request_id: str | None,
    ) -> VoteOutcome:
        """Upsert the participant's ballot. PollNotOpen when the poll is not open at write time;
        JoinedAfterOpening when the poll is joined_before_only and the participant was created
        after its opened_at (both read in the same atomic step as the write, so switching the
        option on or reopening takes effect from the next vote on)."""

    async def participant_ballots(
        self, participant_id: str, poll_ids: Sequence[str]
    ) -> Mapping[str, Ballot]:
        """poll id -> this participant's ballot, for those of the polls it voted in."""

    async def request_seen(self, participant_id: str, request_id: str) -> bool:
        """Whether a vote with this request_id from this participant was recorded. Lets a retry
        of an acknowledged vote be acknowledged again even after the poll closed."""

    # events: settings
    async def set_blocklist_default(self, code: str, on: bool) -> list[tuple[str, int]]:
        """Switch the shipped blocklist on or off for the event (Event.blocklist_default); bumps
        the version of every room (their word clouds and queues change) and returns
        [(room_id, new_version)]. StoreError for an unknown event."""

    async def set_blocklist_entry(
        self, code: str, kind: BlockKind, key: str, shown: str, present: bool
    ) -> list[tuple[str, int]]:
        """Add (present=True) or remove ``key`` (the folded entry) in the event's own entries
        (kind "added") or its switched-off default entries ("removed"): set membership,
        idempotent, like set_hidden; ``shown`` is how it is listed (Event.blocklist_added /
        blocklist_removed, ordered by key). Bumps every room's version like
        set_blocklist_default. StoreError for an unknown event, ValueError for another kind."""

    async def update_event_settings(
        self, code: str, *, questions_need_approval: bool, names_allowed: bool
    ) -> list[tuple[str, int]]:
        """Store the event's Q&A settings; bumps the version of every room of the event and
        returns [(room_id, new_version)]."""

    # questions (Q&A)
    async def add_question(
        self, question: Question, request_id: str | None, not_before: datetime | None
    ) -> VoteOutcome:
        """Insert a question. With a request_id: at most once per (participant, request_id) —
        a repeat changes nothing and reports applied=False (same dedupe as votes). With
        not_before: TooSoon if the same participant added a question to the same event at or
        after that moment (the per-participant rate limit, checked atomically with the insert).
        Bumps the room's version."""

    async def get_question(self, question_id: str) -> Question | None:
        """With its current upvote count."""

    async def list_questions(self, room_id: str) -> list[Question]:
        """All questions of the room in every state, with upvote counts, oldest first."""

    async def update_question(
        self, question: Question, fields: Collection[str] = QUESTION_FIELDS
    ) -> int:
        """Store the named mutable fields (of text, name, state, answer) of an existing question;
        the others stay as they are in the store, so two moderators changing different fields
        at once never undo each other (no read-modify-write of the whole question). Leaving
        state approved/answered does not drop upvotes. Returns the room's new version."""

    async def delete_question(self, question_id: str) -> int:
        """Remove the question with its upvotes (and a highlight pointing at it). Returns the
        room's new version."""

    async def set_highlight(self, room_id: str, question_id: str | None) -> int:
        """The one highlighted question of the room (None clears it). Returns the new version."""

    async def set_upvote(
        self, question_id: str, participant_id: str, up: bool, request_id: str | None
    ) -> VoteOutcome:
        """Add (up=True) or withdraw the participant's upvote: set membership, idempotent
        (upvoting twice counts once). QuestionClosed when the question is not approved or
        answered at write time. request_id dedupe as for votes. Bumps the room's version when
        applied (even if the set did not change: simpler, and the fan-out compares content)."""

    async def upvoted_by(self, participant_id: str, question_ids: Sequence[str]) -> set[str]:
        """Which of these questions the participant has upvoted."""

    async def merge_questions(self, target_id: str, source_id: str) -> int | None:
        """Merge the duplicate ``source`` into ``target``, in one atomic step: target's upvoters
        become the union of both sets (a participant who upvoted both counts once); source keeps its
        own upvoters (counted in its Question.upvotes, which no list shows), so split_question can
        give them back; source.merged_into = target; target.co_authors gains source's author and co-
        authors (never target's own author); a highlight on source moves to target. Source then
        leaves list_questions (merged_questions lists it) and takes no upvotes (set_upvote raises
        QuestionClosed("merged")). Returns the room's new version; None when source was merged into
        target already (a repeat: nothing changes, no bump). StoreError for an unknown question;
        MergeRefused (nothing changes) for one question, two rooms, or a side merged into another
        question already."""

    async def split_question(self, question_id: str) -> int | None:
        """Undo merge_questions for the merged question ``question_id``, in one atomic step:
        merged_into = None (it is in list_questions again and takes upvotes); its upvoters
        are the ones it kept at the merge (none if merged before it kept them); the question it
        went into keeps every upvoter it has (the store cannot tell one the merge brought from
        one given to it directly, so it takes none away) and its co_authors become those its
        remaining duplicates give (their authors and co-authors, never its own author). The
        split question's own duplicates stay merged into it; a highlight stays where it is.
        Returns the room's new version; None when the question is not merged (a repeat:
        nothing changes). StoreError for an unknown question; MergeRefused("target_merged")
        (nothing changes) when the question it went into was merged on into another one."""

    async def set_question_labels(self, code: str, labels: Sequence[str]) -> list[tuple[str, int]]:
        """Event.question_labels (checked by the caller, live/domain/labels.py), replacing the
        list. Questions keep the labels they have. Bumps every room's version, returns
        [(room_id, new_version)] like update_event_settings. StoreError for an unknown event."""

    async def set_screen_label(self, room_id: str, label: str | None) -> int:
        """Room.screen_label (None: the projector shows every question). Returns the room's
        new version; StoreError for an unknown room."""

    async def set_forum_results(self, room_id: str, shown: bool | None, poll_id: str | None) -> int:
        """Room.forum_shown and Room.forum_poll_id together (the poll checked by the caller,
        live/domain/forums.py). Returns the room's new version; StoreError for an unknown
        room."""

    async def merged_questions(self, room_id: str) -> list[Question]:
        """The room's merged questions (merged_into set), oldest first, for the report."""

    # mood barometer and the applause timeline (kept for the event report)
    async def set_mood(
        self, room_id: str, participant_id: str, value: int, request_id: str | None, at: datetime
    ) -> VoteOutcome:
        """The participant's current mood in the room (1..5; the latest counts) and one entry in
        the room's mood log (for its course over time), in one atomic step; request_id dedupe
        as for votes (same namespace); bumps the room's version."""

    async def mood_values(self, room_id: str) -> list[int]:
        """The current mood of every participant who set one in the room."""

    async def mood_log(self, room_id: str) -> list[tuple[datetime, str, int]]:
        """Every mood change of the room, oldest first: (at, participant id, value)."""

    # pace and technics feedback (live/domain/pace.py; kept for the report's timeline)
    async def set_pace(
        self, room_id: str, participant_id: str, value: str, request_id: str | None, at: datetime
    ) -> VoteOutcome:
        """The participant's latest pace signal in the room (one of live.domain.pace.VALUES,
        "none" included) with its moment, and one entry in the room's pace log, in one atomic
        step; request_id dedupe as for votes (same namespace); bumps the room's version."""

    async def pace_signals(self, room_id: str) -> list[tuple[str, str, datetime]]:
        """The latest signal of every participant who sent one in the room: (participant id,
        value, at). Whether it still counts is the domain's rule (live.domain.pace)."""

    async def pace_log(self, room_id: str) -> list[tuple[str, str, datetime]]:
        """Every pace signal of the room, oldest first: (participant id, value, at)."""

    async def record_applause(
        self, room_id: str, samples: Sequence[tuple[datetime, float]]
    ) -> None:
        """Keep the applause level per whole second (UTC, microseconds zero): an upsert per
        (room, second) keeping the maximum, so several processes recording the same room agree.
        Does not bump the version (nobody sees it live)."""

    async def applause_timeline(self, room_id: str) -> list[tuple[datetime, float]]:
        """The recorded seconds of the room, oldest first."""

    async def tally(self, poll: Poll) -> Tally:
        """Aggregate the poll's ballots (see Tally for the shape per kind)."""

    async def ballots(self, poll_ids: Sequence[str]) -> Mapping[str, Mapping[str, Ballot]]:
        """poll id -> participant id -> ballot, for the given polls (missing polls: empty)."""

    # moving an event to another instance (live export / live import, issue 22)
    async def list_participants(self, event_code: str) -> list[tuple[str, datetime | None]]:
        """Every participant identity of the event with when it was made (None: unknown):
        those of unknown time first, then by time, then by id. [] for an unknown event."""

    async def poll_ballots(self, poll_id: str) -> list[tuple[str, Ballot]]:
        """The poll's ballots with their participants: a text poll's in the order of their
        last change, oldest first (the order of Tally.texts), the other kinds' by participant
        id. [] for an unknown poll."""

    async def upvoters(self, question_ids: Sequence[str]) -> Mapping[str, set[str]]:
        """question id -> the participants upvoting it, for the given questions (an unknown
        one has no entry, or an empty one)."""

    # the idea board (issue 24, live/domain/ideas.py)
    async def set_ideas_open(self, room_id: str, on: bool) -> int:
        """Room.ideas_open: the room's idea board is on (phones show it and take ideas). Returns
        the room's new version; StoreError for an unknown room."""

    async def add_idea(self, idea: Idea, request_id: str | None) -> VoteOutcome:
        """Insert an idea (its upvotes and marked are ignored: a new idea has neither). With a
        request_id: at most once per (participant, request_id), the same namespace as votes
        and questions (a repeat changes nothing, applied=False). Bumps the room's version.
        StoreError for an unknown room, ValueError for a room of another event, DuplicateKey
        for a taken id."""

    async def get_idea(self, idea_id: str) -> Idea | None:
        """With its current upvote count and mark."""

    async def ideas(self, room_id: str) -> list[Idea]:
        """All ideas of the room in every state, with upvotes and marks, oldest first (by
        created_at, then id). [] for an unknown room."""

    async def event_ideas(self, event_code: str) -> list[Idea]:
        """All ideas of every room of the event, as ``ideas`` does per room: by room position,
        then oldest first. [] for an unknown event."""

    async def set_idea_state(self, idea_id: str, state: IdeaState) -> int:
        """Store the idea's state; leaving "approved" also takes its mark away in the same
        atomic step (only approved ideas are marked). Upvotes stay. Returns the room's new
        version; StoreError for an unknown idea, ValueError for a bad state."""

    async def set_idea_marked(self, idea_id: str, marked: bool, limit: int) -> int:
        """Mark (the moderator's top N) or unmark the idea. Marking, in one atomic step with
        the write: IdeaClosed when the idea is not approved, TooManyMarked when ``limit`` other
        ideas of its room are marked (marking a marked idea again is no error). Unmarking is
        always allowed. Bumps the room's version (also when nothing changed); StoreError for
        an unknown idea."""

    async def set_idea_upvote(
        self, idea_id: str, participant_id: str, up: bool, request_id: str | None
    ) -> VoteOutcome:
        """Add (up=True) or withdraw the participant's upvote of the idea: set membership,
        idempotent, as set_upvote for questions (request_id dedupe, a repeat acknowledged
        whatever the state is now). IdeaClosed when the idea is not approved at write time.
        Bumps the room's version when applied. StoreError for an unknown idea."""

    async def idea_upvoted_by(self, participant_id: str, idea_ids: Sequence[str]) -> set[str]:
        """Which of these ideas the participant has upvoted."""

    async def idea_upvoters(self, idea_ids: Sequence[str]) -> Mapping[str, set[str]]:
        """idea id -> the participants upvoting it (for live export); an unknown idea has no
        entry, or an empty one."""
