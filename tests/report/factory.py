"""Report records for pure tests: a small event built in memory (no store)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from live.domain import mood as mood_rules
from live.domain import polls as poll_rules
from live.domain.models import AgendaItem, Event, Poll, Question, QuestionState, Room, Tally
from live.report.data import EventReport, Participation, PollReport, RoomReport, Sample

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
HOSTILE = '<script>alert(1)</script> *fett* [link](http://x) | =SUM(A1) & "q"'


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def event(**kw: object) -> Event:
    values: dict[str, object] = {
        "code": "K7M3QX",
        "title": "Tag der Jobcenter",
        "created_at": T0 - timedelta(days=30),
        "moderator_token_hash": "x",
        "starts_on": date(2026, 11, 21),
    }
    values.update(kw)
    return Event(**values)  # type: ignore[arg-type]


def room(id: str = "r1", name: str = "Plenum", position: int = 0) -> Room:
    return Room(id, "K7M3QX", name, position)


def item(id: str, start: float, end: float, room_id: str = "r1", **kw: str) -> AgendaItem:
    return AgendaItem(
        id, "K7M3QX", room_id, kw.get("title", id), at(start), at(end), kw.get("speaker")
    )


def poll(
    id: str = "p1",
    *,
    kind: str = "single",
    options: Sequence[str] = ("begeistert", "zufrieden", "enttäuscht"),
    counts: Sequence[int] = (3, 6, 1),
    voters: int | None = None,
    texts: Sequence[str] = (),
    question: str = "Wie gefällt Ihnen die Tagung?",
    state: str = "closed",
    room_id: str = "r1",
    agenda_item_id: str | None = None,
    scale: tuple[int, int] = (1, 5),
    hidden_words: Sequence[str] = (),
    hidden_answers: Sequence[str] = (),
    points: Sequence[int] = (),
    first: Sequence[int] = (),
    scale_labels: tuple[str | None, str | None] = (None, None),
) -> PollReport:
    p = Poll(
        id=id,
        event_code="K7M3QX",
        room_id=room_id,
        question=question,
        kind=kind,  # type: ignore[arg-type]
        options=tuple(options) if kind in ("single", "multiple", "ranking", "points") else (),
        scale_min=scale[0] if kind == "scale" else None,
        scale_max=scale[1] if kind == "scale" else None,
        state=state,  # type: ignore[arg-type]
        visibility="live",
        created_at=at(0),
        opened_at=at(1),
        agenda_item_id=agenda_item_id,
        hidden_words=tuple(hidden_words),
        hidden_answers=tuple(hidden_answers),
        max_ranked=len(options) if kind == "ranking" else None,
        budget=100 if kind == "points" else None,
        scale_min_label=scale_labels[0],
        scale_max_label=scale_labels[1],
    )
    tally = Tally(
        counts=tuple(counts) if kind != "text" else (),
        voters=voters if voters is not None else (len(texts) if kind == "text" else sum(counts)),
        texts=tuple(texts),
        points=tuple(points),
        first=tuple(first),
    )
    return PollReport(p, poll_rules.results(p, tally))


def question(
    id: str,
    text: str,
    state: QuestionState = "approved",
    *,
    upvotes: int = 0,
    answer: str | None = None,
    name: str | None = None,
    room_id: str = "r1",
    label: str | None = None,
) -> Question:
    return Question(
        id,
        "K7M3QX",
        room_id,
        f"author-{id}",
        text,
        name,
        state,
        at(5),
        answer,
        upvotes,
        label=label,
    )


def room_report(
    r: Room | None = None,
    *,
    agenda: Sequence[AgendaItem] = (),
    polls: Sequence[PollReport] = (),
    questions: Sequence[Question] = (),
    applause: Sequence[Sample] = (),
    mood_log: Sequence[tuple[datetime, str, int]] = (),
) -> RoomReport:
    latest = {pid: v for _a, pid, v in mood_log}
    reading = mood_rules.mood_reading(latest.values())
    return RoomReport(
        room=r or room(),
        agenda=tuple(agenda),
        polls=tuple(polls),
        questions=tuple(questions),
        applause=tuple(applause),
        mood_course=tuple(mood_rules.course(mood_log)),
        mood_counts=reading.counts,
        mood_average=reading.average,
        participation=Participation(voters=10, askers=2, mood_givers=len(latest), active=11),
    )


def event_report(*rooms: RoomReport, now: datetime | None = None) -> EventReport:
    return EventReport(
        event=event(),
        rooms=tuple(rooms) or (room_report(),),
        participants=40,
        active=12,
        generated_at=now or at(600),
    )
