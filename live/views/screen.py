"""What a room's projector shows, decided in one place for the screen itself, the moderators'
projector control and the control room (so all three always agree).

The moderator picks a mode (live.domain.models.ScreenMode); the screen then shows one thing.
When the chosen thing does not exist (no poll picked, no question yet) the projector falls back
to the join code and QR rather than a blank wall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from live.domain import questions as qa_rules
from live.domain.models import Poll, Question, Room, ScreenMode
from live.domain.text import _n

# What ends up on the wall ("top": the most upvoted questions, when none is highlighted).
Shows = Literal["join", "poll", "words", "question", "top", "applause", "slide"]

SCREEN_TOP = 3

# The moderators' buttons, in order: mode, label, keyboard shortcut (a single key, see
# static/control.js; none of them is a browser shortcut without a modifier).
MODE_BUTTONS: tuple[tuple[ScreenMode, str, str], ...] = (
    ("auto", _n("Automatisch"), "0"),
    ("join", _n("Beitrittscode zeigen"), "J"),
    ("poll", _n("Abstimmungsergebnis"), "P"),
    ("question", _n("Hervorgehobene Frage"), "F"),
    ("applause", _n("Applaus-Anzeige"), "A"),
    ("words", _n("Wortwolke"), "W"),
    ("slide", _n("Neutrale Folie"), "S"),
)

MODE_LABELS: dict[str, str] = {
    "auto": _n("Automatisch"),
    "join": _n("Beitrittscode und QR-Code"),
    "poll": _n("Abstimmungsergebnis"),
    "question": _n("Hervorgehobene Frage"),
    "applause": _n("Applaus-Anzeige"),
    "words": _n("Wortwolke"),
    "slide": _n("Neutrale Folie"),
}

# Announced after a moderator switched the projector.
MODE_MESSAGES: dict[str, str] = {
    "auto": _n("Die Leinwand wählt jetzt automatisch."),
    "join": _n("Die Leinwand zeigt jetzt den Beitrittscode."),
    "poll": _n("Die Leinwand zeigt jetzt diese Abstimmung."),
    "question": _n("Die Leinwand zeigt jetzt die hervorgehobene Frage."),
    "applause": _n("Die Leinwand zeigt jetzt die Applaus-Anzeige."),
    "words": _n("Die Leinwand zeigt jetzt die Wortwolke."),
    "slide": _n("Die Leinwand zeigt jetzt die neutrale Folie."),
}


@dataclass(frozen=True, slots=True)
class ScreenContent:
    mode: ScreenMode  # what the moderator chose
    shows: Shows  # what the wall shows
    poll: Poll | None = None  # shows poll / words
    question: Question | None = None  # shows question
    top: tuple[Question, ...] = ()  # shows top

    @property
    def idle(self) -> bool:
        """Only the join code and QR (the screen page then gives them the whole wall)."""
        return self.shows == "join"


def _shown_poll(room: Room, polls: Sequence[Poll]) -> Poll | None:
    poll = next((p for p in polls if p.id == room.screen_poll_id), None)
    return poll if poll is not None and poll.state != "draft" else None


def screen_content(
    room: Room, polls: Sequence[Poll], questions: Sequence[Question]
) -> ScreenContent:
    mode = room.screen_mode
    highlighted = (
        next((q for q in questions if q.id == room.highlighted_question_id), None)
        if room.highlighted_question_id
        else None
    )
    if mode in ("applause", "slide"):
        return ScreenContent(mode, mode)
    if mode == "join":
        return ScreenContent(mode, "join")
    poll = _shown_poll(room, polls)
    if mode == "poll":
        return ScreenContent(mode, "poll", poll=poll) if poll else ScreenContent(mode, "join")
    if mode == "words":
        if poll is not None and poll.kind == "text":
            return ScreenContent(mode, "words", poll=poll)
        return ScreenContent(mode, "join")
    # "auto" (today's behaviour) and "question": the highlighted question first.
    if highlighted is not None:
        return ScreenContent(mode, "question", question=highlighted)
    if mode == "auto" and poll is not None:
        return ScreenContent(mode, "poll", poll=poll)
    top = tuple(qa_rules.top(questions, SCREEN_TOP))
    if top:
        return ScreenContent(mode, "top", top=top)
    return ScreenContent(mode, "join")


def poll_choices(polls: Sequence[Poll], *, text_only: bool = False) -> list[Poll]:
    """Polls a moderator can put on the wall (opened at least once), newest first."""
    return [
        p for p in reversed(polls) if p.state != "draft" and (not text_only or p.kind == "text")
    ]
