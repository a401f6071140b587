"""Reading an event export (live/report/export.py, version 2) back into records, for
`live import`. Pure: the document in, a ``Transfer`` out, or TransferError naming the first
thing that is wrong (where, and what) before anything is written.

Participants appear in the export under pseudonyms ("p-1", "p-2", … numbered by when they
joined); they stay pseudonyms here, and the importer gives each a fresh id. The document holds
no token and no token hash: the importer makes a new moderator token, room links are not
carried over, and a required join code gets a new secret.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from live.domain import blocklist
from live.domain import ideas as idea_rules
from live.domain import labels as label_rules
from live.domain import pace as pace_rules
from live.domain import polls as poll_rules
from live.domain.brand import check_color, check_logo
from live.domain.errors import DomainError
from live.domain.models import (
    IDEA_STATES,
    QUESTION_STATES,
    SCREEN_MODES,
    AgendaItem,
    Ballot,
    Event,
    Idea,
    IdeaState,
    Logo,
    Poll,
    Question,
    QuestionState,
    Room,
    ScreenMode,
)

FORMAT = "live.export"
VERSION = 2  # the versions this code reads: exactly this one (1 lacks ballots and authors)
POLL_STATES = ("draft", "open", "closed")

T = TypeVar("T")
Sample = tuple[datetime, float]
MoodEntry = tuple[datetime, str, int]  # (at, participant pseudonym, value)
PaceEntry = tuple[datetime, str, str]  # (at, participant pseudonym, live.domain.pace value)


class TransferError(Exception):
    """The document cannot be imported: ``where`` in it (a path like "polls[2].ballots[0]",
    empty for the whole document), and what is wrong: a text, or the domain's refusal (its
    message is a German msgid: the caller translates it)."""

    def __init__(self, where: str, what: str | DomainError) -> None:
        super().__init__(where, what)
        self.where = where
        self.what = what

    def __str__(self) -> str:
        what = self.what if isinstance(self.what, str) else self.what.message % self.what.params
        return f"{self.where}: {what}" if self.where else what


@dataclass(frozen=True, slots=True)
class PollRecord:
    poll: Poll
    ballots: tuple[tuple[str, Ballot], ...]  # (pseudonym, ballot) in the order to cast them


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    question: Question  # participant_id: the author's pseudonym
    upvoters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IdeaRecord:
    idea: Idea  # participant_id: the author's pseudonym; marked as in the document
    upvoters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Screen:
    room_id: str
    mode: ScreenMode
    poll_id: str | None
    question_id: str | None
    # The room's part in the forums' results (issue 24; absent in older documents: defaults).
    forum_shown: bool | None = None
    forum_poll_id: str | None = None


@dataclass(frozen=True, slots=True)
class Transfer:
    event: Event  # no token hash, no join secret, no logo version: the importer sets them
    join_code_required: bool
    rooms: tuple[Room, ...]  # by position; screen fields empty (set from ``screens`` last)
    agenda: tuple[AgendaItem, ...]
    participants: tuple[tuple[str, datetime | None], ...]  # (pseudonym, joined at)
    polls: tuple[PollRecord, ...]
    questions: tuple[QuestionRecord, ...]
    moods: tuple[tuple[str, tuple[MoodEntry, ...]], ...]  # per room id
    applause: tuple[tuple[str, tuple[Sample, ...]], ...]  # per room id
    screens: tuple[Screen, ...]
    logo: Logo | None
    # per room id; documents written before pace feedback existed have none
    paces: tuple[tuple[str, tuple[PaceEntry, ...]], ...] = ()
    # Duplicates merged into other questions (issue 24; none in older documents), each with
    # merged_into set, in the order to merge them again: a question's own duplicates before
    # it goes into another one (the store refuses a merge into a merged question).
    merged: tuple[QuestionRecord, ...] = ()
    # The rooms' idea boards (issue 24); documents written before them have none. Which rooms
    # had the board on is Room.ideas_open (the importer switches it on: create_event does not).
    ideas: tuple[IdeaRecord, ...] = ()

    def renamed(self, code: str, new_id: Callable[[], str]) -> Transfer:
        """The same event under ``code``, every room, agenda item, poll and question with a
        fresh id (from ``new_id``), so it can sit next to the original on one instance."""
        ids: dict[str, str] = {}

        def fresh(old: str) -> str:
            return ids.setdefault(old, new_id())

        def opt(old: str | None) -> str | None:
            return None if old is None else fresh(old)

        return replace(
            self,
            event=replace(self.event, code=code),
            rooms=tuple(replace(r, id=fresh(r.id), event_code=code) for r in self.rooms),
            agenda=tuple(
                replace(i, id=fresh(i.id), room_id=fresh(i.room_id), event_code=code)
                for i in self.agenda
            ),
            polls=tuple(
                replace(
                    p,
                    poll=replace(
                        p.poll,
                        id=fresh(p.poll.id),
                        room_id=fresh(p.poll.room_id),
                        agenda_item_id=opt(p.poll.agenda_item_id),
                        event_code=code,
                    ),
                )
                for p in self.polls
            ),
            questions=tuple(
                replace(
                    q,
                    question=replace(
                        q.question,
                        id=fresh(q.question.id),
                        room_id=fresh(q.question.room_id),
                        event_code=code,
                    ),
                )
                for q in self.questions
            ),
            merged=tuple(
                replace(
                    q,
                    question=replace(
                        q.question,
                        id=fresh(q.question.id),
                        room_id=fresh(q.question.room_id),
                        event_code=code,
                        merged_into=opt(q.question.merged_into),
                    ),
                )
                for q in self.merged
            ),
            ideas=tuple(
                replace(
                    i,
                    idea=replace(
                        i.idea, id=fresh(i.idea.id), room_id=fresh(i.idea.room_id), event_code=code
                    ),
                )
                for i in self.ideas
            ),
            moods=tuple((fresh(room), log) for room, log in self.moods),
            paces=tuple((fresh(room), log) for room, log in self.paces),
            applause=tuple((fresh(room), samples) for room, samples in self.applause),
            screens=tuple(
                Screen(
                    fresh(s.room_id),
                    s.mode,
                    opt(s.poll_id),
                    opt(s.question_id),
                    s.forum_shown,
                    opt(s.forum_poll_id),
                )
                for s in self.screens
            ),
        )


# --- reading the document -----------------------------------------------------------------


class _At:
    """A position in the document, for messages ("polls[2].ballots[0].choices")."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __truediv__(self, part: str | int) -> _At:
        if isinstance(part, int):
            return _At(f"{self.path}[{part}]")
        return _At(f"{self.path}.{part}" if self.path else part)

    def fail(self, what: str | DomainError) -> TransferError:
        return TransferError(self.path, what)


def _get(obj: Mapping[str, Any], key: str, at: _At, kind: type[T] | tuple[type, ...]) -> Any:
    if key not in obj:
        raise (at / key).fail("missing")
    return _check(obj[key], at / key, kind)


def _check(value: Any, at: _At, kind: type[T] | tuple[type, ...]) -> Any:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # bool is an int in Python, never in JSON.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise at.fail(f"expected {names}, got {type(value).__name__}")
    return value


def _moment(value: Any, at: _At) -> datetime:
    text = _check(value, at, str)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise at.fail(f"not a time: {text!r}") from None
    if moment.tzinfo is None:
        raise at.fail(f"time without a time zone: {text!r}")
    return moment.astimezone(UTC)


def _opt_moment(value: Any, at: _At) -> datetime | None:
    return None if value is None else _moment(value, at)


def _day(value: Any, at: _At) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(_check(value, at, str))
    except ValueError:
        raise at.fail(f"not a day: {value!r}") from None


def _items(obj: Mapping[str, Any], key: str, at: _At) -> list[tuple[_At, Any]]:
    return [(at / key / n, item) for n, item in enumerate(_get(obj, key, at, list))]


@contextlib.contextmanager
def _refusals(at: _At) -> Iterator[None]:
    """A domain check's refusal becomes a TransferError at ``at``."""
    try:
        yield
    except DomainError as exc:
        raise at.fail(exc) from None


def _blocklist(doc: Mapping[str, Any], top: _At) -> dict[str, Any]:
    """The Event fields of the export's "blocklist" (absent before issue 24: the defaults),
    each entry checked as the setup page checks it."""
    if "blocklist" not in doc:
        return {}
    at = top / "blocklist"
    found = _check(doc["blocklist"], at, dict)
    fields: dict[str, Any] = {"blocklist_default": _get(found, "default", at, bool)}
    for key, name in (("entries", "blocklist_added"), ("removed", "blocklist_removed")):
        entries = []
        for n, entry in enumerate(_get(found, key, at, list)):
            with _refusals(at / key / n):
                entries.append(blocklist.check_entry(entry).shown)
        fields[name] = tuple(entries)
    return fields


def read_transfer(doc: Any) -> Transfer:
    """The document as records, checked throughout: types, references between its parts,
    each poll as the domain would create it, each ballot as the domain would accept it."""
    top = _At("")
    _check(doc, top, dict)
    if doc.get("format") != FORMAT:
        raise TransferError("", f"not a live event export (format {doc.get('format')!r})")
    version = doc.get("version")
    if version != VERSION:
        raise TransferError(
            "",
            f"export version {version!r} is not supported: this program reads version "
            f"{VERSION} (made by `live export` of this version)",
        )
    if "participants" not in doc:
        raise TransferError(
            "",
            "this is the report's download (export.json), which holds results but not the "
            "ballots needed to re-create the event: make the file with `live export CODE` on "
            "the server that holds the event",
        )
    code = _get(doc, "code", top, str)
    settings = _get(doc, "settings", top, dict)
    brand = _get(doc, "brand", top, dict)
    with _refusals(top / "brand" / "color"):
        color = check_color(brand.get("color"))
    event = Event(
        code=code,
        title=_get(doc, "title", top, str),
        created_at=_moment(_get(doc, "created_at", top, str), top / "created_at"),
        moderator_token_hash="",
        questions_need_approval=_get(settings, "questions_need_approval", top / "settings", bool),
        names_allowed=_get(settings, "names_allowed", top / "settings", bool),
        starts_on=_day(doc.get("starts_on"), top / "starts_on"),
        ends_on=_day(doc.get("ends_on"), top / "ends_on"),
        brand_color=color,
        **_blocklist(doc, top),
        question_labels=_labels(doc, top),
    )
    rooms = tuple(_room(r, at, code, n) for n, (at, r) in enumerate(_items(doc, "rooms", top)))
    room_ids = _unique([r.id for r in rooms], top / "rooms", "room")
    if not rooms:
        raise (top / "rooms").fail("an event has at least one room")
    agenda = tuple(
        _agenda_item(item, at, code, room_ids) for at, item in _items(doc, "agenda", top)
    )
    agenda_ids = _unique([i.id for i in agenda], top / "agenda", "agenda item")
    participants = tuple(_participant(p, at) for at, p in _items(doc, "participants", top))
    people = _unique([p for p, _ in participants], top / "participants", "participant")
    polls = tuple(
        _poll(p, at, code, room_ids, agenda_ids, people) for at, p in _items(doc, "polls", top)
    )
    poll_rooms = {r.poll.id: r.poll.room_id for r in polls}
    _unique([p.poll.id for p in polls], top / "polls", "poll")
    questions = tuple(
        _question(q, at, code, room_ids, people) for at, q in _items(doc, "questions", top)
    )
    _unique([q.question.id for q in questions], top / "questions", "question")
    merged = _merged(doc, top, code, room_ids, people, questions)
    question_rooms = {q.question.id: q.question.room_id for q in questions}
    return Transfer(
        event=event,
        join_code_required=_get(doc, "join_code_required", top, bool),
        rooms=rooms,
        agenda=agenda,
        participants=participants,
        polls=polls,
        questions=questions,
        moods=tuple(_mood(m, at, room_ids, people) for at, m in _items(doc, "mood", top)),
        applause=tuple(_applause(a, at, room_ids) for at, a in _items(doc, "applause", top)),
        screens=tuple(
            _screen(s, at, room_ids, poll_rooms, question_rooms)
            for at, s in _items(doc, "screens", top)
        ),
        logo=_logo(doc.get("logo"), top / "logo"),
        paces=tuple(_pace(p, at, room_ids, people) for at, p in _items(doc, "pace", top))
        if "pace" in doc
        else (),
        merged=merged,
        ideas=_ideas(doc, top, code, room_ids, people) if "ideas" in doc else (),
    )


def _labels(doc: Mapping[str, Any], top: _At) -> tuple[str, ...]:
    """The event's question labels (issue 24; absent in older exports: none), checked as the
    setup checks them."""
    if "question_labels" not in doc:
        return ()
    with _refusals(top / "question_labels"):
        return label_rules.clean_labels(doc["question_labels"])


def _opt_label(value: Any, at: _At) -> str | None:
    """A question's label or a projector's filter: null, or a label's text. Not checked
    against the event's list: a label taken off it stays where it was (live/domain/labels.py)."""
    label = _check(value, at, (str, type(None)))
    if label is None:
        return None
    if not label.strip() or len(label) > label_rules.MAX_LABEL_LEN:
        raise at.fail(f"not a label: {label!r}")
    return str(label)


def _merged(
    doc: Mapping[str, Any],
    top: _At,
    code: str,
    rooms: set[str],
    people: set[str],
    questions: tuple[QuestionRecord, ...],
) -> tuple[QuestionRecord, ...]:
    """The export's merged duplicates (absent in older ones: none), each merged into a
    question of its own room, along a chain that ends at a question in the lists; ordered
    deepest first, so each is merged again before the question it went into is."""
    if "merged_questions" not in doc:
        return ()
    found: dict[str, tuple[_At, QuestionRecord]] = {}
    rooms_of = {q.question.id: q.question.room_id for q in questions}
    for at, raw in _items(doc, "merged_questions", top):
        record = _question(raw, at, code, rooms, people)
        ident = record.question.id
        if ident in rooms_of or ident in found:
            raise (top / "merged_questions").fail(f"the question id {ident!r} appears twice")
        into = str(_get(raw, "merged_into", at, str))
        found[ident] = (at, replace(record, question=replace(record.question, merged_into=into)))
        rooms_of[ident] = record.question.room_id
    depth: dict[str, int] = {}
    for ident, (at, record) in found.items():
        chain = [ident]
        while chain[-1] in found:
            into = str(found[chain[-1]][1].question.merged_into)
            if into not in rooms_of:
                raise (found[chain[-1]][0] / "merged_into").fail(
                    f"refers to an unknown question {into!r}"
                )
            if into in chain:
                raise (at / "merged_into").fail("the merges go round in a circle")
            chain.append(into)
        if rooms_of[chain[1]] != record.question.room_id:
            raise (at / "merged_into").fail("is a question of another room")
        depth[ident] = len(chain) - 1
    ordered = sorted(found, key=lambda ident: -depth[ident])  # stable: the export's order
    return tuple(found[ident][1] for ident in ordered)


def _room(raw: Any, at: _At, code: str, position: int) -> Room:
    _check(raw, at, dict)
    return Room(
        id=_get(raw, "id", at, str),
        event_code=code,
        name=_get(raw, "name", at, str),
        position=position,
        parallel_polls=_get(raw, "parallel_polls", at, bool),
        # Absent in exports made before issue 23: off, as it was then.
        applause_via_stream=_check(
            raw.get("applause_via_stream", False), at / "applause_via_stream", bool
        ),
        # Absent before issue 24: the projector shows every question.
        screen_label=_opt_label(raw.get("screen_label"), at / "screen_label"),
        # Absent in exports made before the idea board (issue 24): off.
        ideas_open=_check(raw.get("ideas_open", False), at / "ideas_open", bool),
    )


def _participant(raw: Any, at: _At) -> tuple[str, datetime | None]:
    _check(raw, at, dict)
    return _get(raw, "id", at, str), _opt_moment(raw.get("joined_at"), at / "joined_at")


def _unique(ids: list[str], at: _At, what: str) -> set[str]:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise at.fail(f"the {what} id {ident!r} appears twice")
        seen.add(ident)
    return seen


def _ref(value: Any, at: _At, known: set[str] | Mapping[str, Any], what: str) -> str:
    ident = str(_check(value, at, str))
    if ident not in known:
        raise at.fail(f"refers to an unknown {what} {ident!r}")
    return ident


def _agenda_item(item: Any, at: _At, code: str, rooms: set[str]) -> AgendaItem:
    _check(item, at, dict)
    starts = _moment(_get(item, "starts_at", at, str), at / "starts_at")
    ends = _moment(_get(item, "ends_at", at, str), at / "ends_at")
    if ends <= starts:
        raise at.fail("ends before it starts")
    return AgendaItem(
        id=_get(item, "id", at, str),
        event_code=code,
        room_id=_ref(item.get("room_id"), at / "room_id", rooms, "room"),
        title=_get(item, "title", at, str),
        speaker=_check(item.get("speaker"), at / "speaker", (str, type(None))),
        starts_at=starts,
        ends_at=ends,
    )


def _poll(
    raw: Any, at: _At, code: str, rooms: set[str], agenda: set[str], people: set[str]
) -> PollRecord:
    _check(raw, at, dict)
    kind = _get(raw, "kind", at, str)
    state = _get(raw, "state", at, str)
    if state not in POLL_STATES:
        raise (at / "state").fail(f"unknown state {state!r}")
    agenda_item = raw.get("agenda_item_id")
    with _refusals(at):
        checked = poll_rules.new_poll(
            poll_id=_get(raw, "id", at, str),
            event_code=code,
            room_id=_ref(raw.get("room_id"), at / "room_id", rooms, "room"),
            question=raw.get("question"),
            kind=kind,
            # Scale polls list their values as options in the export; new_poll ignores them.
            options=raw.get("options", ()),
            scale_min=raw.get("min"),
            scale_max=raw.get("max"),
            visibility=raw.get("visibility"),
            screen_results=raw.get("screen_results"),
            max_answers=raw.get("max_answers"),
            joined_before_only=raw.get("joined_before_only"),
            max_ranked=raw.get("max_ranked"),
            budget=raw.get("budget"),
            scale_min_label=raw.get("min_label"),
            scale_max_label=raw.get("max_label"),
            now=_moment(raw.get("created_at"), at / "created_at"),
        )
    hidden = raw.get("hidden") or {"words": [], "answers": []}
    _check(hidden, at / "hidden", dict)
    poll = replace(
        checked,
        state=state,
        opened_at=_opt_moment(raw.get("opened_at"), at / "opened_at"),
        closed_at=_opt_moment(raw.get("closed_at"), at / "closed_at"),
        agenda_item_id=None
        if agenda_item is None
        else _ref(agenda_item, at / "agenda_item_id", agenda, "agenda item"),
        hidden_words=_strings(hidden.get("words", []), at / "hidden" / "words"),
        hidden_answers=_strings(hidden.get("answers", []), at / "hidden" / "answers"),
    )
    for kind_name, entries in (("word", poll.hidden_words), ("answer", poll.hidden_answers)):
        for entry in entries:
            with _refusals(at / "hidden"):
                poll_rules.hidden_entry(poll, kind_name, entry)
    # The domain accepts ballots for open polls only: check them against the poll as open.
    as_open = replace(poll, state="open")
    ballots = []
    for bat, entry in _items(raw, "ballots", at):
        _check(entry, bat, dict)
        who = _ref(entry.get("participant"), bat / "participant", people, "participant")
        with _refusals(bat):
            ballot = poll_rules.make_ballot(
                as_open,
                choices=entry.get("choices"),
                value=entry.get("value"),
                texts=entry.get("texts"),
                ranking=entry.get("ranking"),
                points=entry.get("points"),
            )
        ballots.append((who, ballot))
    if ballots and poll.opened_at is None:
        raise at.fail("has ballots but was never opened (no opened_at)")
    _unique([who for who, _ in ballots], at / "ballots", "participant")
    return PollRecord(poll, tuple(ballots))


def _strings(value: Any, at: _At) -> tuple[str, ...]:
    return tuple(_check(v, at / n, str) for n, v in enumerate(_check(value, at, list)))


def _question(raw: Any, at: _At, code: str, rooms: set[str], people: set[str]) -> QuestionRecord:
    _check(raw, at, dict)
    state = _get(raw, "state", at, str)
    if state not in QUESTION_STATES:
        raise (at / "state").fail(f"unknown state {state!r}")
    text = _get(raw, "text", at, str)
    if not text.strip():
        raise (at / "text").fail("empty")
    question = Question(
        id=_get(raw, "id", at, str),
        event_code=code,
        room_id=_ref(raw.get("room_id"), at / "room_id", rooms, "room"),
        participant_id=_ref(raw.get("author"), at / "author", people, "participant"),
        text=text,
        name=_check(raw.get("name"), at / "name", (str, type(None))),
        state=cast("QuestionState", state),
        created_at=_moment(raw.get("created_at"), at / "created_at"),
        answer=_check(raw.get("answer"), at / "answer", (str, type(None))),
        label=_opt_label(raw.get("label"), at / "label"),  # absent before issue 24: none
    )
    upvoters = tuple(
        _ref(who, uat, people, "participant") for uat, who in _items(raw, "upvoters", at)
    )
    _unique(list(upvoters), at / "upvoters", "participant")
    return QuestionRecord(question, upvoters)


def _ideas(
    doc: Mapping[str, Any], top: _At, code: str, rooms: set[str], people: set[str]
) -> tuple[IdeaRecord, ...]:
    records = tuple(_idea(raw, at, code, rooms, people) for at, raw in _items(doc, "ideas", top))
    _unique([r.idea.id for r in records], top / "ideas", "idea")
    for room in rooms:
        marked = sum(1 for r in records if r.idea.room_id == room and r.idea.marked)
        if marked > idea_rules.MAX_MARKED:
            raise (top / "ideas").fail(
                f"{marked} marked ideas in room {room!r}, at most {idea_rules.MAX_MARKED}"
            )
    return records


def _idea(raw: Any, at: _At, code: str, rooms: set[str], people: set[str]) -> IdeaRecord:
    _check(raw, at, dict)
    state = _get(raw, "state", at, str)
    if state not in IDEA_STATES:
        raise (at / "state").fail(f"unknown state {state!r}")
    text = _get(raw, "text", at, str)
    if not text.strip():
        raise (at / "text").fail("empty")
    marked = _get(raw, "marked", at, bool)
    if marked and state != "approved":
        raise (at / "marked").fail("only an approved idea is marked")
    idea = Idea(
        id=_get(raw, "id", at, str),
        event_code=code,
        room_id=_ref(raw.get("room_id"), at / "room_id", rooms, "room"),
        participant_id=_ref(raw.get("author"), at / "author", people, "participant"),
        text=text,
        state=cast("IdeaState", state),
        created_at=_moment(raw.get("created_at"), at / "created_at"),
        marked=marked,
    )
    upvoters = tuple(
        _ref(who, uat, people, "participant") for uat, who in _items(raw, "upvoters", at)
    )
    _unique(list(upvoters), at / "upvoters", "participant")
    return IdeaRecord(idea, upvoters)


_V = TypeVar("_V")


def _signal_log(
    raw: Any,
    at: _At,
    rooms: set[str],
    people: set[str],
    value_of: Callable[[Any, _At], _V],
) -> tuple[str, tuple[tuple[datetime, str, _V], ...]]:
    """A room's log of signals, [time, participant, value] each (mood and pace alike);
    ``value_of`` checks the value and names its fault."""
    _check(raw, at, dict)
    room = _ref(raw.get("room_id"), at / "room_id", rooms, "room")
    entries = []
    for eat, entry in _items(raw, "log", at):
        if not (isinstance(entry, list) and len(entry) == 3):
            raise eat.fail("expected [time, participant, value]")
        value = value_of(entry[2], eat / 2)
        who = _ref(entry[1], eat / 1, people, "participant")
        entries.append((_moment(entry[0], eat / 0), who, value))
    return room, tuple(entries)


def _mood_value(raw: Any, at: _At) -> int:
    value: int = _check(raw, at, int)
    if not 1 <= value <= 5:
        raise at.fail(f"a mood is 1 to 5, got {value}")
    return value


def _pace_value(raw: Any, at: _At) -> str:
    value: str = _check(raw, at, str)
    with _refusals(at):
        pace_rules.parse_pace(value)
    return value


def _mood(
    raw: Any, at: _At, rooms: set[str], people: set[str]
) -> tuple[str, tuple[MoodEntry, ...]]:
    return _signal_log(raw, at, rooms, people, _mood_value)


def _pace(
    raw: Any, at: _At, rooms: set[str], people: set[str]
) -> tuple[str, tuple[PaceEntry, ...]]:
    return _signal_log(raw, at, rooms, people, _pace_value)


def _applause(raw: Any, at: _At, rooms: set[str]) -> tuple[str, tuple[Sample, ...]]:
    _check(raw, at, dict)
    room = _ref(raw.get("room_id"), at / "room_id", rooms, "room")
    samples = []
    for sat, entry in _items(raw, "levels", at):
        if not (isinstance(entry, list) and len(entry) == 2):
            raise sat.fail("expected [time, level]")
        level = float(_check(entry[1], sat / 1, (int, float)))
        if not 0 <= level <= 1:
            raise (sat / 1).fail(f"a level is 0 to 1, got {level}")
        samples.append((_moment(entry[0], sat / 0), level))
    return room, tuple(samples)


def _screen(
    raw: Any,
    at: _At,
    rooms: set[str],
    poll_rooms: Mapping[str, str],
    question_rooms: Mapping[str, str],
) -> Screen:
    _check(raw, at, dict)
    room = _ref(raw.get("room_id"), at / "room_id", rooms, "room")
    mode = _get(raw, "mode", at, str)
    if mode not in SCREEN_MODES:
        raise (at / "mode").fail(f"unknown screen mode {mode!r}")
    poll = raw.get("poll_id")
    question = raw.get("question_id")
    if poll is not None and poll_rooms.get(_ref(poll, at / "poll_id", poll_rooms, "poll")) != room:
        raise (at / "poll_id").fail("is a poll of another room")
    if question is not None:
        _ref(question, at / "question_id", question_rooms, "question")
        if question_rooms[question] != room:
            raise (at / "question_id").fail("is a question of another room")
    shown = raw.get("forum_shown")
    if shown is not None and not isinstance(shown, bool):
        raise (at / "forum_shown").fail("must be true, false or null")
    forum_poll = raw.get("forum_poll_id")
    if forum_poll is not None:
        at_poll = at / "forum_poll_id"
        if poll_rooms.get(_ref(forum_poll, at_poll, poll_rooms, "poll")) != room:
            raise at_poll.fail("is a poll of another room")
    return Screen(room, cast("ScreenMode", mode), poll, question, shown, forum_poll)


def _logo(raw: Any, at: _At) -> Logo | None:
    if raw is None:
        return None
    _check(raw, at, dict)
    try:
        data = base64.b64decode(_get(raw, "data", at, str), validate=True)
    except (binascii.Error, ValueError):
        raise (at / "data").fail("not base64") from None
    media_type = _get(raw, "media_type", at, str)
    with _refusals(at):
        return check_logo(data, media_type)
