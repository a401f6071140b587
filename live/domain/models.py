"""Records shared by domain, store, service and views. Immutable; no behaviour beyond accessors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# ranking: participants order the options (Borda points); points: they spread a budget of
# points over the options (issue 24).
PollKind = Literal["single", "multiple", "scale", "text", "ranking", "points"]
PollState = Literal["draft", "open", "closed"]
# Who sees results on the participant page: all the time, after the own vote, or after closing.
# The JSON API always carries results (integrations need them; docs/api.md says so plainly).
Visibility = Literal["live", "after_vote", "after_close"]
# What the projector shows while a poll is open, chosen apart from the phones' Visibility: the
# distribution live (the default: the hall watches it grow), or only once the poll is closed
# (when seeing it would sway the vote).
ScreenResults = Literal["live", "after_close"]
# What a moderator can take out of a text poll's word cloud: a single word, or a whole answer.
HiddenKind = Literal["word", "answer"]

POLL_KINDS: tuple[PollKind, ...] = ("single", "multiple", "scale", "text", "ranking", "points")
# The kinds whose options are typed by the moderator (the others: scale values, free text).
OPTION_KINDS: tuple[PollKind, ...] = ("single", "multiple", "ranking", "points")
VISIBILITIES: tuple[Visibility, ...] = ("live", "after_vote", "after_close")
SCREEN_RESULTS: tuple[ScreenResults, ...] = ("live", "after_close")
HIDDEN_KINDS: tuple[HiddenKind, ...] = ("word", "answer")

# What a room's projector shows, chosen by its moderator. "auto" (the default, and what opening a
# poll goes back to): the highlighted question, else the poll in screen_poll_id, else the top
# questions, else the join code. The others show one thing only: "join" code + QR, "poll" the
# results of screen_poll_id, "question" the highlighted question (top 3 when none), "applause"
# the big applause meter, "words" the word cloud of screen_poll_id (a text poll), "slide" a
# neutral slide (event title, room, what runs now), "ideas" the room's idea board (the marked
# ideas, else the top ones by upvotes; issue 24), "forums" the forums' results ("Ergebnisse
# aus den Foren": one column per forum room, live/domain/forums.py; issue 24).
ScreenMode = Literal[
    "auto", "join", "poll", "question", "applause", "words", "slide", "ideas", "forums"
]
SCREEN_MODES: tuple[ScreenMode, ...] = (
    "auto",
    "join",
    "poll",
    "question",
    "applause",
    "words",
    "slide",
    "ideas",
    "forums",
)


@dataclass(frozen=True, slots=True)
class Event:
    code: str
    title: str
    created_at: datetime
    # sha256 hex of the moderator token; the token itself is shown once and never stored.
    moderator_token_hash: str
    # Q&A settings: new questions wait for a moderator's approval; participants may sign with
    # a name (they stay anonymous unless they type one).
    questions_need_approval: bool = True
    names_allowed: bool = True
    # The conference days (local dates). None: not set. The event counts as ended after
    # ends_on, else starts_on, else the day it was created; it is deleted automatically
    # LIVE_RETENTION_DAYS after that day.
    starts_on: date | None = None
    ends_on: date | None = None
    # Branding (live/domain/brand.py): the primary colour as "#rrggbb" (None: the app's own),
    # and the version of the logo (None: no logo). The logo's bytes live apart (Store.get_logo):
    # the event is read on every page and tick, the logo only when a browser fetches it.
    brand_color: str | None = None
    logo_version: str | None = None
    # The secret behind the projector's rotating join code (live/domain/join_code.py); None:
    # joining needs no code. Set while the organiser requires the code, a new one each time it
    # is switched on. Never leaves the server: the code shown is derived from it per minute.
    join_code_secret: str | None = None
    # The blocklist (live/domain/blocklist.py): whether the shipped default list is in use, the
    # event's own entries and the default entries it switched off, each as written, ordered by
    # their folded form. Read-only like Poll.hidden_words: the store keeps the entries apart
    # (set_blocklist_entry: set membership) and ignores them in create_event.
    blocklist_default: bool = True
    blocklist_added: tuple[str, ...] = ()
    blocklist_removed: tuple[str, ...] = ()
    # The labels questions may carry (issue 24: e.g. the panel's speakers), in the order shown;
    # at most 20 (live/domain/labels.py). Set with Store.set_question_labels only.
    question_labels: tuple[str, ...] = ()

    @property
    def join_code_required(self) -> bool:
        return self.join_code_secret is not None

    @property
    def last_day(self) -> date:
        """The day after which the event counts as over (for the automatic deletion)."""
        return self.ends_on or self.starts_on or self.created_at.date()


@dataclass(frozen=True, slots=True)
class Logo:
    """An event's logo, already checked and (SVG) sanitised: what is served as it is.
    ``version``: a short hash of ``data``, the ETag and the ``?v=`` of its URL."""

    media_type: str  # "image/svg+xml" or "image/png"
    data: bytes
    version: str


@dataclass(frozen=True, slots=True)
class Countdown:
    """A room's countdown (speaking time, a break; live/domain/countdown.py). Running: ``ends_at``
    is the instant it reaches 0:00, stored once so every screen, worker and reload agrees (the
    pages count down locally towards it). Paused: ``ends_at`` is None and ``left_ms`` holds what
    was left. ``label``: the moderator's words ("Redezeit", "Pause" or free text; may be "")."""

    label: str
    ends_at: datetime | None = None
    left_ms: int | None = None

    @property
    def paused(self) -> bool:
        return self.ends_at is None


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    event_code: str
    name: str
    position: int
    # The poll the projector presents (None: join code and QR). Set when a poll opens.
    screen_poll_id: str | None = None
    # The one question shown big on the projector (None: none).
    highlighted_question_id: str | None = None
    # sha256 hex of this room's moderator token (the secret room link, only this room's
    # powers); None until the organiser creates a link. Shown once, never stored in clear.
    moderator_token_hash: str | None = None
    screen_mode: ScreenMode = "auto"
    # Whether several polls may be open at once. By default (False) opening a poll closes the
    # room's open one: phones then never stack polls nobody runs any more (issue 19).
    parallel_polls: bool = False
    # "Applaus kommt über den Stream": an online event's stream carries the applause (the
    # overlay mixes it in once), so the participants' own devices play none, whatever they
    # opted into: their sound would reach an open microphone and echo through the conference.
    # The projector and the overlay still play. (Issue 23.)
    applause_via_stream: bool = False
    # The projector's Q&A shows only questions with this label (None: all), chosen by the
    # moderator (issue 24). Set with Store.set_screen_label only.
    screen_label: str | None = None
    # The room's countdown (None: none). Read-only on add_room: only set_countdown writes it.
    countdown: Countdown | None = None
    # The room's idea board is on (issue 24): phones show its ideas and take new ones only
    # then. Read-only on add_room: only Store.set_ideas_open writes it.
    ideas_open: bool = False
    # "Ergebnisse aus den Foren" (issue 24, live/domain/forums.py): whether this room's column
    # is on the roll-up (None: the default, every room but the first, which is the plenary)
    # and its source: one of the room's ranking polls (its top 3), or with None the marked
    # ideas. Read-only on add_room: only Store.set_forum_results writes them.
    forum_shown: bool | None = None
    forum_poll_id: str | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    id: str
    event_code: str
    room_id: str
    question: str
    kind: PollKind
    options: tuple[str, ...]
    scale_min: int | None
    scale_max: int | None
    state: PollState
    visibility: Visibility
    created_at: datetime
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    # The agenda item the poll was prepared for (None: not tied to one). Fixed at creation.
    agenda_item_id: str | None = None
    # The projector's results while the poll is open (see ScreenResults); may change any time.
    screen_results: ScreenResults = "live"
    # How many answers one participant may send to a text poll (1..3, one ballot holding them
    # all); 1 for the other kinds. Fixed at creation.
    max_answers: int = 1
    # Text polls: the words and the answers moderators took out of the word cloud, as the
    # moderator gave them (one per case-folded form, ordered by it). Read-only: the store keeps
    # them apart from the poll (set_hidden: set membership, so two moderators hiding at once
    # never undo each other) and ignores them in add_poll and update_poll.
    hidden_words: tuple[str, ...] = ()
    hidden_answers: tuple[str, ...] = ()
    # Only participants whose identity was created before the poll opened (opened_at) may
    # vote: identities made up after the opening, by a script or anyone not in the hall then,
    # count nothing. The store checks it with the write (Store.cast_vote).
    joined_before_only: bool = False
    # Ranking polls: how many options a ballot ranks at most (1..len(options), all by default);
    # None for the other kinds. Fixed at creation.
    max_ranked: int | None = None
    # Points polls: the points each participant may spread (default 100); None for the other
    # kinds. Fixed at creation.
    budget: int | None = None
    # Scale polls: optional words for the two ends ("trifft nicht zu" … "trifft voll zu");
    # None: the numbers alone. Fixed at creation.
    scale_min_label: str | None = None
    scale_max_label: str | None = None
    # The self-paced survey the poll is a question of (issue 24; live/domain/surveys.py), None:
    # an ordinary poll. Fixed at creation. A survey's polls open and close with the survey,
    # never count against the room's one open poll, and are listed only inside the survey.
    survey_id: str | None = None


SurveyState = Literal["draft", "open", "closed"]


@dataclass(frozen=True, slots=True)
class Survey:
    """A self-paced survey (issue 24): polls of one room that each participant answers at
    their own pace, one question per screen. ``poll_ids``: its questions in order, fixed at
    creation (each poll carries ``survey_id``). The polls' states follow the survey's: the
    store writes both in one step (Store.save_survey)."""

    id: str
    event_code: str
    room_id: str
    title: str
    state: SurveyState
    poll_ids: tuple[str, ...]
    created_at: datetime
    opened_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One slot of the event's program: what runs when in which room."""

    id: str
    event_code: str
    room_id: str
    title: str
    starts_at: datetime  # UTC, timezone-aware
    ends_at: datetime  # UTC, after starts_at
    speaker: str | None = None


QuestionState = Literal["pending", "approved", "answered", "hidden", "archived"]
QUESTION_STATES: tuple[QuestionState, ...] = (
    "pending",
    "approved",
    "answered",
    "hidden",
    "archived",
)


@dataclass(frozen=True, slots=True)
class Question:
    """A question from the audience. ``participant_id`` is the author, kept only so the author
    sees their own pending question and may delete it; it never leaves the server."""

    id: str
    event_code: str
    room_id: str
    participant_id: str
    text: str
    name: str | None
    state: QuestionState
    created_at: datetime
    answer: str | None = None
    # Read-only: counted by the store (set membership), ignored on writes.
    upvotes: int = 0
    # Merged duplicates (issue 24), both read-only (written by Store.merge_questions alone,
    # ignored by add_question and update_question): the question this one was merged into
    # (None: not merged; a merged question has left every list but the report's), and the
    # authors of the questions merged into this one, sorted: they see it as their own too.
    merged_into: str | None = None
    co_authors: tuple[str, ...] = ()
    # One of the event's labels (issue 24), or None. Written like text and answer.
    label: str | None = None


IdeaState = Literal["pending", "approved", "hidden"]
IDEA_STATES: tuple[IdeaState, ...] = ("pending", "approved", "hidden")


@dataclass(frozen=True, slots=True)
class Idea:
    """An idea posted to a room's idea board (issue 24; live/domain/ideas.py). Like a question:
    ``participant_id`` is the author and never leaves the server. ``upvotes`` is counted by
    the store (set membership) and ``marked`` (the moderator's top N) is written only by
    Store.set_idea_marked: both read-only on add_idea."""

    id: str
    event_code: str
    room_id: str
    participant_id: str
    text: str
    state: IdeaState
    created_at: datetime
    upvotes: int = 0
    marked: bool = False


@dataclass(frozen=True, slots=True)
class Ballot:
    """One participant's current vote in one poll; exactly one field is used per poll kind.

    texts: the answers to a text poll, 1..Poll.max_answers of them, cleaned and distinct
    (case-folded). All of one participant's answers are one ballot, so a changed ballot replaces
    them all and nobody is counted twice. A tuple rather than one text with a separator: an
    answer may contain any character, and both stores keep the ballot as JSON anyway.
    """

    choices: tuple[int, ...] = ()
    value: int | None = None
    texts: tuple[str, ...] = ()
    # Ranking polls: option indexes, best first, distinct, 1..Poll.max_ranked of them.
    ranking: tuple[int, ...] = ()
    # Points polls: the points per option (one entry per option, each >= 0, summing to
    # 1..Poll.budget).
    points: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Tally:
    """What the store aggregates for a poll; the domain turns it into Results.

    counts: per option (single/multiple) or per scale value from scale_min to scale_max (scale);
    empty for text polls. voters: distinct participants with a ballot.
    texts: the text answers (text polls), every answer of every ballot, oldest change first.
    """

    counts: tuple[int, ...] = ()
    voters: int = 0
    texts: tuple[str, ...] = ()
    # Ranking and points polls (per option; empty before the first vote and for other kinds):
    # ranking: Borda points and how often ranked first; points: the sums of the points given.
    # counts then says how many ballots ranked the option (ranking) or gave it points (points).
    points: tuple[int, ...] = ()
    first: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Results:
    counts: tuple[int, ...]
    voters: int
    # Whole percentages per count; single and scale add up to exactly 100 (largest remainder),
    # multiple choice is the share of voters per option.
    percents: tuple[int, ...]
    average: float | None = None
    words: tuple[tuple[str, int], ...] | None = None
    total: int = field(default=0)
    # Text polls, for the moderators: the distinct answers (case-folded) with how often each
    # was given, most frequent first, then the newest; capped, hidden answers left out.
    answers: tuple[tuple[str, int], ...] = ()
    # Ranking: Borda points and first places per option; points: the sums per option. Empty
    # for the other kinds (and then left out of the JSON).
    points: tuple[int, ...] = ()
    first: tuple[int, ...] = ()
    # Text polls, for the moderators: the distinct answers the event's blocklist keeps out of
    # the cloud (as ``answers``), and how many answers that is in all.
    held_answers: tuple[tuple[str, int], ...] = ()
    held: int = 0
