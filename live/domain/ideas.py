"""The idea board of a room (issue 24 item 3): participants post short ideas, others upvote
them, the moderator approves or hides them and marks the room's top N, which the projector
(and the plenary's roll-up of the forums) shows.

Pure, like questions.py, whose rules an idea shares where they are the same rule: text is
cleaned by ``clean_text``; an idea waits for approval when the event's Q&A asks for approval
(``Event.questions_need_approval``: one switch for "what the audience writes is looked at
first", and the forums of one conference are moderated alike) or when the event's blocklist
holds its text (``questions.held``); the order is the order by votes (``questions.by_votes``).
Functions that take input from people raise only ``DomainError`` for bad input, whatever the
type of the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from live.domain import questions
from live.domain.errors import DomainError
from live.domain.models import IDEA_STATES, Event, Idea, IdeaState
from live.domain.text import _n, clean_text

# Shorter than a question (500): an idea is a card on a wall, read from the back of the hall
# several at a time, and one forum's marked ideas share a column of the plenary's roll-up.
# 280 characters are three or four lines on a phone and still a whole sentence or two.
MAX_IDEA_TEXT = 280
# The moderator's top N, at most this many per room: ten cards still fit the projector in big
# type, and the plenary's roll-up shows each of 10–13 forums in one column.
MAX_MARKED = 10
# Without marked ideas the projector shows the most upvoted ones, this many.
SCREEN_TOP = 5
# States a moderator sets; "pending" is only where an idea starts while approval is on.
TARGET_STATES: tuple[IdeaState, ...] = ("approved", "hidden")


def _clean_idea_text(text: object) -> str:
    if not isinstance(text, str) or not (cleaned := clean_text(text)):
        raise DomainError("empty_idea", _n("Bitte geben Sie eine Idee ein."))
    if len(cleaned) > MAX_IDEA_TEXT:
        msg = _n("Die Idee darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("idea_too_long", msg, max=MAX_IDEA_TEXT)
    return cleaned


def new_idea(
    *,
    idea_id: str,
    event: Event,
    room_id: str,
    participant_id: str,
    text: object,
    now: datetime,
) -> Idea:
    """A validated idea: "pending" when the event wants approval or the blocklist holds its
    text (for a moderator, never dropped), else "approved"."""
    cleaned = _clean_idea_text(text)
    pending = event.questions_need_approval or questions.held(event, cleaned)
    return Idea(
        id=idea_id,
        event_code=event.code,
        room_id=room_id,
        participant_id=participant_id,
        text=cleaned,
        state="pending" if pending else "approved",
        created_at=now,
    )


def check_open(value: object) -> bool:
    """Room.ideas_open as given: a JSON boolean."""
    if not isinstance(value, bool):
        raise DomainError("invalid_ideas_open", _n("„ideas_open“ muss wahr oder falsch sein."))
    return value


def closed_error() -> DomainError:
    """The refusal for posting or upvoting while the room's idea board is off."""
    msg = _n("Die Ideensammlung in diesem Raum ist gerade geschlossen.")
    return DomainError("ideas_closed", msg)


# --- moderation ------------------------------------------------------------------------------


def target_state(state: object) -> IdeaState:
    """A state a moderator may give an idea: approved or hidden."""
    found = next((s for s in TARGET_STATES if isinstance(state, str) and state == s), None)
    if found is None:
        msg = _n("Eine Idee kann nicht in diesen Status versetzt werden.")
        raise DomainError("invalid_state", msg)
    return found


def restore_state(state: object) -> IdeaState:
    """Undo: any state, "pending" too (an approval by mistake waits again, unseen)."""
    found = next((s for s in IDEA_STATES if isinstance(state, str) and state == s), None)
    if found is None:
        msg = _n("Eine Idee kann nicht in diesen Status versetzt werden.")
        raise DomainError("invalid_state", msg)
    return found


def check_marked(value: object) -> bool:
    """The moderator's mark, a JSON boolean (not 0/1, not "true": those are mistakes)."""
    if not isinstance(value, bool):
        raise DomainError("invalid_marked", _n("Die Markierung muss wahr oder falsch sein."))
    return value


def mark_closed_error() -> DomainError:
    """Marking an idea that is not approved (from the store's IdeaClosed)."""
    msg = _n("Nur freigegebene Ideen können markiert werden.")
    return DomainError("idea_not_approved", msg)


def marked_full_error(limit: int = MAX_MARKED) -> DomainError:
    """Marking one idea more than the room's cap (from the store's TooManyMarked)."""
    msg = _n("Es sind schon %(max)d Ideen markiert. Nehmen Sie zuerst eine Markierung zurück.")
    return DomainError("too_many_marked", msg, max=limit)


# --- participants ----------------------------------------------------------------------------


def can_upvote(idea: Idea) -> bool:
    """Only approved ideas take upvotes (the store re-checks at write time)."""
    return idea.state == "approved"


def upvote_closed_error(state: str) -> DomainError:
    """The refusal for an upvote of an idea in ``state`` (from the store's IdeaClosed)."""
    if state == "pending":
        msg = _n("Diese Idee ist noch nicht freigegeben und kann noch nicht unterstützt werden.")
    else:
        msg = _n("Diese Idee kann nicht mehr unterstützt werden.")
    return DomainError("idea_closed", msg)


def is_own(idea: Idea, participant_id: str | None) -> bool:
    return bool(participant_id) and idea.participant_id == participant_id


def visible_to(idea: Idea, *, participant_id: str | None, moderator: bool) -> bool:
    """Moderators see every idea; others the approved ones, and the author their own pending
    one. Hidden ideas only moderators see."""
    if moderator or idea.state == "approved":
        return True
    return idea.state == "pending" and is_own(idea, participant_id)


# --- order and the projector -----------------------------------------------------------------


def ordered(ideas: Iterable[Idea]) -> list[Idea]:
    """Marked ideas first, then the others; each part by votes (most upvotes, then oldest)."""
    return sorted(ideas, key=lambda idea: (not idea.marked, *questions.by_votes(idea)))


def marked_count(ideas: Iterable[Idea]) -> int:
    return sum(1 for idea in ideas if idea.marked)


def on_screen(ideas: Iterable[Idea]) -> tuple[list[Idea], bool]:
    """What the projector's ideas mode shows: the marked approved ideas by votes, and True;
    without any, the SCREEN_TOP most upvoted approved ideas, and False."""
    public = [idea for idea in ideas if idea.state == "approved"]
    marked = [idea for idea in public if idea.marked]
    if marked:
        return sorted(marked, key=questions.by_votes), True
    return sorted(public, key=questions.by_votes)[:SCREEN_TOP], False
