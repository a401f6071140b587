"""What a room's projector shows, decided in one place for the screen itself, the moderators'
projector control, the control room and the switch that changes it (so all of them agree).

The moderator picks a mode (live.domain.models.ScreenMode); the screen then shows one thing.
When the chosen thing does not exist (no poll picked, no question yet) the projector falls back
to the join code and QR rather than a blank wall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from live.domain import ideas as idea_rules
from live.domain import questions as qa_rules
from live.domain.errors import DomainError
from live.domain.models import SCREEN_MODES, Idea, Poll, Question, Room, ScreenMode
from live.domain.polls import published
from live.domain.text import _n

# What ends up on the wall ("top": the most upvoted questions, when none is highlighted).
Shows = Literal["join", "poll", "words", "question", "top", "applause", "slide", "ideas", "forums"]

SCREEN_TOP = 3  # questions on the wall when none is highlighted


@dataclass(frozen=True, slots=True)
class ScreenContent:
    mode: ScreenMode  # what the moderator chose
    shows: Shows  # what the wall shows
    poll: Poll | None = None  # shows poll / words
    question: Question | None = None  # shows question
    top: tuple[Question, ...] = ()  # shows top
    # shows ideas: the room's marked ideas (ideas_marked), else its most upvoted ones
    ideas: tuple[Idea, ...] = ()
    ideas_marked: bool = False

    @property
    def idle(self) -> bool:
        """Only the join code and QR (the screen page then gives them the whole wall)."""
        return self.shows == "join"


def _shown_poll(room: Room, polls: Sequence[Poll]) -> Poll | None:
    poll = next((p for p in polls if p.id == room.screen_poll_id), None)
    return poll if poll is not None and published(poll) else None


def screen_content(
    room: Room,
    polls: Sequence[Poll],
    questions: Sequence[Question],
    ideas: Sequence[Idea] = (),
) -> ScreenContent:
    mode = room.screen_mode
    highlighted = (
        next((q for q in questions if q.id == room.highlighted_question_id), None)
        if room.highlighted_question_id
        else None
    )
    # "forums": the forums' results (live/domain/forums.py), also while they are all empty:
    # each column then says so, which is what the organiser wants the hall to see.
    if mode in ("applause", "slide", "forums"):
        return ScreenContent(mode, mode)
    if mode == "join":
        return ScreenContent(mode, "join")
    if mode == "ideas":
        # The idea board (issue 24): what the moderator marked, else the favourites so far;
        # with no approved idea yet, the join code (so people can still come in and post).
        shown, marked = idea_rules.on_screen(ideas)
        if not shown:
            return ScreenContent(mode, "join")
        return ScreenContent(mode, "ideas", ideas=tuple(shown), ideas_marked=marked)
    poll = _shown_poll(room, polls)
    if mode == "poll":
        return ScreenContent(mode, "poll", poll=poll) if poll else ScreenContent(mode, "join")
    if mode == "words":
        if poll is not None and poll.kind == "text":
            return ScreenContent(mode, "words", poll=poll)
        return ScreenContent(mode, "join")
    # "auto" (the behaviour from before there was a choice) and "question": the highlighted
    # question first.
    if highlighted is not None:
        return ScreenContent(mode, "question", question=highlighted)
    if mode == "auto" and poll is not None:
        return ScreenContent(mode, "poll", poll=poll)
    # The moderator's label filter (issue 24): only that label's questions.
    if room.screen_label is not None:
        questions = [q for q in questions if q.label == room.screen_label]
    top = tuple(qa_rules.top(questions, SCREEN_TOP))
    if top:
        return ScreenContent(mode, "top", top=top)
    return ScreenContent(mode, "join")


def poll_choices(polls: Sequence[Poll], *, text_only: bool = False) -> list[Poll]:
    """Polls a moderator can put on the wall (opened at least once), newest first."""
    return [p for p in reversed(polls) if published(p) and (not text_only or p.kind == "text")]


def parse_mode(raw: object) -> ScreenMode:
    """A screen mode from a form or request (DomainError for anything else)."""
    for mode in SCREEN_MODES:
        if raw == mode:
            return mode
    raise DomainError("invalid_screen_mode", _n("Diese Anzeige für die Leinwand gibt es nicht."))


def needs_poll(mode: ScreenMode) -> bool:
    """Modes that present one poll of the room (its results, or its word cloud)."""
    return mode in ("poll", "words")


def check_poll_for_screen(poll: Poll, *, words: bool) -> None:
    """May ``poll`` (already known to be the room's) go on the wall in mode "poll", or in
    mode "words" when ``words``? A draft may not (nobody has seen it); a word cloud needs a
    text poll."""
    if not published(poll):
        raise DomainError("poll_not_open", _n("Diese Abstimmung ist noch nicht geöffnet."))
    if words and poll.kind != "text":
        raise DomainError(
            "not_a_text_poll", _n("Eine Wortwolke gibt es nur für Freitext-Abstimmungen.")
        )


def poll_required(*, words: bool) -> DomainError:
    """The error when a poll mode was chosen with no poll given and none on the wall to keep."""
    if words:
        return DomainError(
            "poll_required", _n("Bitte wählen Sie eine Freitext-Abstimmung für die Wortwolke.")
        )
    return DomainError("poll_required", _n("Bitte wählen Sie eine Abstimmung."))
