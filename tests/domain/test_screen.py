"""What the projector shows per screen mode (live/views/screen.py), table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from live.domain.models import Poll, PollKind, PollState, Question, Room, ScreenMode
from live.domain.screen import poll_choices, screen_content

T = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ROOM = Room("r1", "ABC", "Plenum", 0)


def poll(pid: str, kind: PollKind = "single", state: PollState = "open") -> Poll:
    return Poll(
        pid,
        "ABC",
        "r1",
        f"Frage {pid}?",
        kind,
        ("a", "b"),
        None,
        None,
        state,
        "live",
        T,
    )


def question(qid: str, state: str = "approved", upvotes: int = 0) -> Question:
    return Question(qid, "ABC", "r1", "p", f"Frage {qid}", None, state, T, upvotes=upvotes)  # type: ignore[arg-type]


CHOICE = poll("c1")
TEXT = poll("t1", kind="text")
DRAFT = poll("d1", state="draft")
POLLS = [CHOICE, TEXT, DRAFT]
TOP = question("q1", upvotes=3)
PENDING = question("q2", state="pending", upvotes=9)


def room(mode: ScreenMode, screen_poll: str | None = None, highlighted: str | None = None) -> Room:
    return replace(
        ROOM, screen_mode=mode, screen_poll_id=screen_poll, highlighted_question_id=highlighted
    )


@pytest.mark.parametrize(
    ("the_room", "questions", "shows", "poll_id", "question_id"),
    [
        # auto: highlighted question, else the screen's poll, else top questions, else join
        (room("auto", "c1", "q1"), [TOP], "question", None, "q1"),
        (room("auto", "c1"), [TOP], "poll", "c1", None),
        (room("auto", "d1"), [TOP], "top", None, None),  # a draft never reaches the wall
        (room("auto"), [PENDING], "join", None, None),  # pending questions are not public
        (room("join", "c1", "q1"), [TOP], "join", None, None),
        (room("poll", "c1", "q1"), [TOP], "poll", "c1", None),
        (room("poll"), [TOP], "join", None, None),  # nothing picked: the join code
        (room("words", "t1"), [], "words", "t1", None),
        (room("words", "c1"), [], "join", None, None),  # only text polls make a cloud
        (room("question", "c1", "q1"), [TOP], "question", None, "q1"),
        (room("question", "c1"), [TOP], "top", None, None),
        (room("question", "c1"), [], "join", None, None),
        (room("applause", "c1", "q1"), [TOP], "applause", None, None),
        (room("slide", "c1"), [TOP], "slide", None, None),
    ],
)
def test_screen_content(
    the_room: Room,
    questions: list[Question],
    shows: str,
    poll_id: str | None,
    question_id: str | None,
) -> None:
    content = screen_content(the_room, POLLS, questions)
    assert content.mode == the_room.screen_mode
    assert content.shows == shows
    assert (content.poll.id if content.poll else None) == poll_id
    assert (content.question.id if content.question else None) == question_id
    assert content.idle == (shows == "join")
    if shows == "top":
        assert [q.id for q in content.top] == ["q1"]


def test_poll_choices_are_opened_polls_newest_first() -> None:
    assert [p.id for p in poll_choices(POLLS)] == ["t1", "c1"]
    assert [p.id for p in poll_choices(POLLS, text_only=True)] == ["t1"]
