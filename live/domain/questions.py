"""Q&A rules: asking, moderation, upvotes, who sees which question and in which order.

Pure: ``now`` and ids are arguments; the store enforces the rate limit and the upvote rule
atomically, this module only says what they are and words the refusals. Every function that
takes input from people (``new_question``, ``edit_text``, ``set_answer``, ``written_answer``,
``set_state``, ``restore_state``) accepts values of any type at run time and raises only
``DomainError`` for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from live.domain import blocklist
from live.domain.errors import DomainError
from live.domain.models import QUESTION_STATES, Event, Question, QuestionState
from live.domain.text import _n, clean_text

MAX_QUESTION_TEXT = 500
MAX_NAME_LEN = 60
MAX_ANSWER_LEN = 4000
# One question per participant and event within this interval (checked by the store).
ASK_INTERVAL = timedelta(seconds=10)

SORTS = ("votes", "newest")
# States a moderator may set; "pending" is only where a question starts when approval is on.
TARGET_STATES: tuple[QuestionState, ...] = ("approved", "answered", "hidden", "archived")
# States in which a question is public: shown to everyone, upvotable, on the projector.
PUBLIC_STATES: tuple[QuestionState, ...] = ("approved", "answered")


def _clean_question_text(text: object) -> str:
    # Same codes and msgids as a poll question: the catalogue already has them.
    if not isinstance(text, str) or not (cleaned := clean_text(text)):
        raise DomainError("empty_question", _n("Bitte geben Sie eine Frage ein."))
    if len(cleaned) > MAX_QUESTION_TEXT:
        msg = _n("Die Frage darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("question_too_long", msg, max=MAX_QUESTION_TEXT)
    return cleaned


def _clean_name(name: object, *, allowed: bool) -> str | None:
    # Names switched off: the form hides the field, whatever an API client sends is ignored.
    if not allowed or name is None:
        return None
    if not isinstance(name, str):
        raise DomainError("invalid_name", _n("Bitte geben Sie Ihren Namen als Text ein."))
    # Blank after cleaning (spaces, only control characters) means: anonymous.
    if not (cleaned := clean_text(name)):
        return None
    if len(cleaned) > MAX_NAME_LEN:
        msg = _n("Der Name darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("name_too_long", msg, max=MAX_NAME_LEN)
    return cleaned


def _clean_paragraphs(raw: str) -> str:
    """clean_text per line, keeping line breaks as "\\n" and at most one empty line between
    paragraphs; no empty lines at the start or end. Idempotent like clean_text."""
    out: list[str] = []
    gap = False
    for line in (clean_text(part) for part in raw.splitlines()):
        if not line:
            gap = bool(out)
            continue
        if gap:
            out.append("")
            gap = False
        out.append(line)
    return "\n".join(out)


def new_question(
    *,
    question_id: str,
    event: Event,
    room_id: str,
    participant_id: str,
    text: object,
    name: object,
    now: datetime,
) -> Question:
    """A validated question: "pending" if the event wants approval or its text has a word of
    the event's blocklist (held for a moderator, never dropped), else "approved".

    text is cleaned, 1..MAX_QUESTION_TEXT characters. name: None, "" or blank → anonymous;
    otherwise cleaned, at most MAX_NAME_LEN characters; ignored entirely (any type) when the
    event does not allow names.
    """
    cleaned_text = _clean_question_text(text)
    cleaned_name = _clean_name(name, allowed=event.names_allowed)
    return Question(
        id=question_id,
        event_code=event.code,
        room_id=room_id,
        participant_id=participant_id,
        text=cleaned_text,
        name=cleaned_name,
        state="pending"
        if event.questions_need_approval or held(event, cleaned_text)
        else "approved",
        created_at=now,
        answer=None,
        upvotes=0,
    )


def held(event: Event, text: str) -> bool:
    """Whether the event's blocklist holds ``text`` back for a moderator."""
    return blocklist.for_event(event).blocks(text)


def ask_not_before(now: datetime) -> datetime:
    """``not_before`` for the store: a participant's previous question must be older."""
    return now - ASK_INTERVAL


def too_fast_error() -> DomainError:
    """The refusal when the store reports that the participant asked too recently."""
    msg = _n("Bitte warten Sie %(seconds)d Sekunden, bevor Sie die nächste Frage stellen.")
    return DomainError("too_fast", msg, seconds=int(ASK_INTERVAL.total_seconds()))


# --- moderation ------------------------------------------------------------------------------


def set_state(q: Question, state: object) -> Question:
    """The question in another state (approved, answered, hidden, archived); the same state
    returns ``q`` itself. Upvotes and answer are kept."""
    target = next((s for s in TARGET_STATES if isinstance(state, str) and state == s), None)
    if target is None:
        msg = _n("Eine Frage kann nicht in diesen Status versetzt werden.")
        raise DomainError("invalid_state", msg)
    return q if target == q.state else replace(q, state=target)


def restore_state(q: Question, state: object) -> Question:
    """Undo of a moderator's last action: the question back in the state it had before, any
    state. Only this returns a question to "pending" (``set_state`` refuses it): an approval by
    mistake is taken back as if it never happened, so the question waits again, unseen by the
    audience. Upvotes and answer are kept; the same state returns ``q`` itself."""
    target = next((s for s in QUESTION_STATES if isinstance(state, str) and state == s), None)
    if target is None:
        msg = _n("Eine Frage kann nicht in diesen Status versetzt werden.")
        raise DomainError("invalid_state", msg)
    return q if target == q.state else replace(q, state=target)


def edit_text(q: Question, text: object) -> Question:
    """The question with corrected text (same rules as asking); unchanged text returns ``q``."""
    cleaned = _clean_question_text(text)
    return q if cleaned == q.text else replace(q, text=cleaned)


def set_answer(q: Question, answer: object) -> Question:
    """The question with a written answer; None, "" or blank clears it. The answer keeps its
    line breaks ("\\n", at most one empty line between paragraphs), every line is cleaned like
    other text. The state is not touched (the moderator marks "answered" separately)."""
    if answer is None:
        cleaned: str | None = None
    elif isinstance(answer, str):
        cleaned = _clean_paragraphs(answer) or None
    else:
        raise DomainError("invalid_answer", _n("Bitte geben Sie die Antwort als Text ein."))
    if cleaned is not None and len(cleaned) > MAX_ANSWER_LEN:
        msg = _n("Die Antwort darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("answer_too_long", msg, max=MAX_ANSWER_LEN)
    return q if cleaned == q.answer else replace(q, answer=cleaned)


def written_answer(answer: object) -> str:
    """An answer given in the moderators' queue, as given (``set_answer`` cleans it): text that
    is not blank once cleaned. There, saving an empty field is a slip; clearing an answer is
    done on the question's edit page, where a blank field means "no answer"."""
    if answer is not None and not isinstance(answer, str):
        raise DomainError("invalid_answer", _n("Bitte geben Sie die Antwort als Text ein."))
    if not answer or not _clean_paragraphs(answer):
        raise DomainError("empty_answer", _n("Bitte geben Sie eine Antwort ein."))
    return answer


# --- participants ----------------------------------------------------------------------------


def can_upvote(q: Question) -> bool:
    """Only public questions take upvotes, and no merged one (the store re-checks at write
    time)."""
    return q.state in PUBLIC_STATES and q.merged_into is None


def upvote_closed_error(state: str) -> DomainError:
    """The refusal for an upvote on a question in ``state`` (from the store's QuestionClosed)."""
    if state == "pending":
        msg = _n("Diese Frage ist noch nicht freigegeben und kann noch nicht bewertet werden.")
    else:
        msg = _n("Diese Frage kann nicht mehr bewertet werden.")
    return DomainError("question_closed", msg)


def _is_author(q: Question, participant_id: str | None) -> bool:
    return bool(participant_id) and q.participant_id == participant_id


def is_own(q: Question, participant_id: str | None) -> bool:
    """Whether the participant sees the question as theirs ("Ihre Frage"): its author, or the
    author of a duplicate merged into it. Only the author deletes it (``can_delete``)."""
    return _is_author(q, participant_id) or (
        bool(participant_id) and participant_id in q.co_authors
    )


def can_delete(q: Question, participant_id: str | None) -> bool:
    """Only the author deletes, in any state (moderators hide or archive instead)."""
    return _is_author(q, participant_id)


def not_author_error() -> DomainError:
    return DomainError("not_author", _n("Sie können nur Ihre eigenen Fragen löschen."))


def visible_to(q: Question, *, participant_id: str | None, moderator: bool) -> bool:
    """Moderators see everything; others see approved and answered questions, and the author
    also their own pending one. Hidden and archived questions only moderators see."""
    if moderator or q.state in PUBLIC_STATES:
        return True
    return q.state == "pending" and is_own(q, participant_id)


# --- merging duplicates ----------------------------------------------------------------------


def check_merge(target: Question, source: Question) -> bool:
    """Whether merging ``source`` into ``target`` has anything to do: False when it is merged
    there already (a repeat changes nothing), True when the store should merge. DomainError
    for a question merged into itself, across rooms, or when either side was merged away
    already (the moderator then merges into the question it went to)."""
    if source.id == target.id:
        raise merge_refused_error("self")
    if source.room_id != target.room_id:
        raise merge_refused_error("other_room")
    if source.merged_into == target.id:
        return False
    if source.merged_into is not None or target.merged_into is not None:
        raise merge_refused_error("merged")
    return True


def merge_refused_error(reason: str) -> DomainError:
    """The refusal for a merge (also from the store's MergeRefused, whose reasons these are)."""
    if reason == "self":
        msg = _n("Eine Frage kann nicht mit sich selbst zusammengeführt werden.")
        return DomainError("merge_self", msg)
    if reason == "other_room":
        msg = _n("Nur Fragen desselben Raums können zusammengeführt werden.")
        return DomainError("merge_other_room", msg)
    msg = _n("Diese Frage wurde bereits mit einer anderen zusammengeführt.")
    return DomainError("already_merged", msg)


def split_refused_error() -> DomainError:
    """Splitting a duplicate off a question that was merged on into a third one (the store's
    MergeRefused("target_merged")): that one has to be split off first."""
    msg = _n(
        "Die Frage, mit der diese zusammengeführt wurde, ist selbst mit einer weiteren "
        "zusammengeführt. Trennen Sie zuerst diese wieder ab."
    )
    return DomainError("split_target_merged", msg)


# --- order -----------------------------------------------------------------------------------


class Voted(Protocol):
    """What the order by votes reads: questions and ideas (live/domain/ideas.py) alike."""

    @property
    def id(self) -> str: ...
    @property
    def upvotes(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


def by_votes(item: Voted) -> tuple[int, datetime, str]:
    """The sort key of the order by votes: most upvotes first, ties oldest first, then id."""
    return (-item.upvotes, item.created_at, item.id)


def ordered(questions: Iterable[Question], by: str) -> list[Question]:
    """ "votes" (also for an unknown ``by``): most upvotes first, ties oldest first, then id.
    "newest": latest first, ties by id."""
    if by == "newest":
        by_id = sorted(questions, key=lambda q: q.id)
        # Stable sort: reverse=True keeps equal timestamps in id order.
        return sorted(by_id, key=lambda q: q.created_at, reverse=True)
    return sorted(questions, key=by_votes)


def top(questions: Iterable[Question], n: int) -> list[Question]:
    """The ``n`` most upvoted public questions (for the projector); [] for n <= 0."""
    if n <= 0:
        return []
    return ordered((q for q in questions if q.state in PUBLIC_STATES), "votes")[:n]
