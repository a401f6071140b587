"""The Store contract for data protection (issue 7): delete_event and events_ended_before. Runs
once per backend (the ``store`` fixture of conftest.py). fill_event and snapshot are also used
by the backend tests that look at the raw data afterwards (test_redis.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest

from live.domain.models import Ballot, Logo, Room
from live.store import PollNotOpen, Store, TooSoon
from tests.store.test_contract import (
    CODE,
    T0,
    make_event,
    make_poll,
    make_question,
    make_room,
    open_poll,
)
from tests.store.test_contract_program import make_agenda_item


@dataclass(frozen=True)
class Filled:
    """The ids fill_event used (all of them start with the event's prefix)."""

    code: str
    prefix: str
    rooms: tuple[str, ...]
    polls: tuple[str, ...]
    questions: tuple[str, ...]
    participants: tuple[str, ...]
    agenda: tuple[str, ...]
    requests: tuple[tuple[str, str], ...]  # (participant, request id) applied

    def ids(self) -> tuple[str, ...]:
        return (
            self.code,
            *self.rooms,
            *self.polls,
            *self.questions,
            *self.participants,
            *self.agenda,
        )


async def fill_event(store: Store, code: str, prefix: str) -> Filled:
    """An event with some of everything: two rooms (one with a room link and a chosen screen
    mode, one showing a poll and a highlighted question), agenda items with a prepared poll,
    participants who vote, ask, upvote and set their mood (with request ids), a deleted
    question, a rate-limited refused question and a refused vote, applause, a brand colour and
    a logo."""
    r1, r2 = f"{prefix}r1", f"{prefix}r2"
    u1, u2, u3 = f"{prefix}u1", f"{prefix}u2", f"{prefix}u3"
    p1, p2, p3 = f"{prefix}p1", f"{prefix}p2", f"{prefix}p3"
    q1, q2, q3 = f"{prefix}q1", f"{prefix}q2", f"{prefix}q3"
    a1, a2 = f"{prefix}a1", f"{prefix}a2"
    rooms = [
        Room(id=r1, event_code=code, name="Plenum", position=0),
        replace(
            make_room(r2, position=1, event_code=code),
            moderator_token_hash="r" * 64,
            screen_mode="applause",
        ),
    ]
    event = replace(make_event(code), starts_on=date(2025, 5, 6))
    await store.create_event(event, rooms)
    for n, participant in enumerate((u1, u2, u3)):
        # With creation times (issue 21): their records go with the event too.
        await store.add_participant(code, participant, f"{prefix}hash-{n}", T0)
    await store.add_agenda_item(make_agenda_item(a1, r1, event_code=code))
    await store.add_agenda_item(make_agenda_item(a2, r2, start=60, event_code=code))
    choice = replace(make_poll(p1, r1), event_code=code, agenda_item_id=a1)
    text = replace(make_poll(p2, r1, kind="text"), event_code=code)
    forum = replace(make_poll(p3, r2), event_code=code, agenda_item_id=a2)
    for poll in (choice, text, forum):
        await store.add_poll(poll)
    await open_poll(store, choice)
    await open_poll(store, text)
    await store.cast_vote(p1, u1, Ballot(choices=(0,)), f"{prefix}v1")
    await store.cast_vote(p1, u2, Ballot(choices=(1,)), None)
    await store.cast_vote(p2, u1, Ballot(texts=("Sehr gut", "Pause")), f"{prefix}v2")
    await store.set_hidden(p2, "word", "pause", "Pause", True)
    await store.set_hidden(p2, "answer", "sehr gut", "Sehr gut", True)
    with pytest.raises(PollNotOpen):  # p3 is a draft (nothing may stay behind of it either)
        await store.cast_vote(p3, u3, Ballot(choices=(0,)), f"{prefix}v3")
    for question_id, author in ((q1, u1), (q2, u2), (q3, u3)):
        question = replace(make_question(question_id, r1, author), event_code=code)
        await store.add_question(question, f"{prefix}ask-{question_id}", T0)
    late = replace(make_question(f"{prefix}q4", r1, u1), event_code=code)
    with pytest.raises(TooSoon):
        await store.add_question(late, f"{prefix}ask-q4", T0)
    await store.set_upvote(q1, u2, True, f"{prefix}up-1")
    await store.set_upvote(q1, u3, True, None)
    await store.set_upvote(q2, u1, True, f"{prefix}up-2")
    await store.set_upvote(q2, u1, False, f"{prefix}up-3")
    await store.set_highlight(r1, q1)
    await store.delete_question(q3)
    await store.set_mood(r1, u1, 4, f"{prefix}mood-1", T0)
    await store.set_mood(r2, u2, 2, None, T0)
    await store.record_applause(r1, [(T0, 0.5), (T0 + timedelta(seconds=1), 0.75)])
    await store.set_brand_color(code, "#1e6b34")
    await store.set_blocklist_entry(code, "added", "buerokratiemonster", "Bürokratiemonster", True)
    await store.set_blocklist_entry(code, "removed", "hartzer", "Hartzer", True)
    await store.set_blocklist_default(code, False)
    await store.set_logo(code, Logo("image/svg+xml", f"<svg>{prefix}</svg>".encode(), "1" * 16))
    requests = [
        (u1, f"{prefix}v1"),
        (u1, f"{prefix}v2"),
        (u1, f"{prefix}ask-{q1}"),
        (u2, f"{prefix}ask-{q2}"),
        (u3, f"{prefix}ask-{q3}"),
        (u2, f"{prefix}up-1"),
        (u1, f"{prefix}up-2"),
        (u1, f"{prefix}up-3"),
        (u1, f"{prefix}mood-1"),
    ]
    return Filled(
        code=code,
        prefix=prefix,
        rooms=(r1, r2),
        polls=(p1, p2, p3),
        questions=(q1, q2, q3),
        participants=(u1, u2, u3),
        agenda=(a1, a2),
        requests=tuple(requests),
    )


async def snapshot(store: Store, filled: Filled) -> dict[str, Any]:
    """Everything the store answers about the event's ids."""
    polls = [await store.get_poll(p) for p in filled.polls]
    known = [p for p in polls if p is not None]
    return {
        "event": await store.get_event(filled.code),
        "rooms": await store.list_rooms(filled.code),
        "room": [await store.get_room(r) for r in filled.rooms],
        "polls": [await store.list_polls(r) for r in filled.rooms],
        "poll": polls,
        "tallies": [await store.tally(p) for p in known],
        "ballots": await store.ballots(filled.polls),
        "mine": [await store.participant_ballots(u, filled.polls) for u in filled.participants],
        "questions": [await store.list_questions(r) for r in filled.rooms],
        "question": [await store.get_question(q) for q in filled.questions],
        "upvoted": [await store.upvoted_by(u, filled.questions) for u in filled.participants],
        "moods": [await store.mood_values(r) for r in filled.rooms],
        "mood_log": [await store.mood_log(r) for r in filled.rooms],
        "applause": [await store.applause_timeline(r) for r in filled.rooms],
        "agenda": await store.list_agenda(filled.code),
        "item": [await store.get_agenda_item(a) for a in filled.agenda],
        "participants": await store.participant_count(filled.code),
        "tokens": [
            await store.participant_by_token(filled.code, f"{filled.prefix}hash-{n}")
            for n in range(len(filled.participants))
        ],
        "requests": [await store.request_seen(u, r) for u, r in filled.requests],
        "logo": await store.get_logo(filled.code),
    }


def empty(value: Any) -> bool:
    """None, False, 0 or an empty collection, or a list or mapping of only such values."""
    if isinstance(value, list | tuple):
        return all(empty(v) for v in value)
    if isinstance(value, dict):
        return all(empty(v) for v in value.values())
    return not value


def assert_gone(snap: dict[str, Any]) -> None:
    assert {key for key, value in snap.items() if not empty(value)} == set(), snap


async def test_delete_event_removes_everything_and_leaves_the_other_event(store: Store) -> None:
    doomed = await fill_event(store, CODE, "k-")
    kept = await fill_event(store, "OTHER", "o-")
    before = await snapshot(store, doomed)
    assert before["event"] is not None and all(before["requests"])
    kept_before = await snapshot(store, kept)
    assert await store.delete_event(CODE) == list(doomed.rooms)
    assert_gone(await snapshot(store, doomed))
    assert await snapshot(store, kept) == kept_before
    assert await store.events_ended_before(date(2100, 1, 1)) == ["OTHER"]
    # Nothing is left to delete; the code is free again.
    assert await store.delete_event(CODE) == []
    assert await store.delete_event("NOPE") == []
    await store.create_event(make_event(), [make_room("fresh")])
    assert await store.list_rooms(CODE) == [make_room("fresh")]
    assert await store.participant_count(CODE) == 0
    assert await store.list_agenda(CODE) == []
    assert await snapshot(store, kept) == kept_before


async def test_delete_an_event_without_rooms(store: Store) -> None:
    await store.create_event(make_event(), [])
    assert await store.delete_event(CODE) == []
    assert await store.get_event(CODE) is None


async def test_events_ended_before_uses_ends_on_then_starts_on_then_created_at(
    store: Store,
) -> None:
    day = date(2025, 6, 1)
    created = replace(make_event("CREATED"), created_at=T0)  # created 2025-05-06 (UTC)
    started = replace(make_event("STARTED"), starts_on=date(2025, 5, 20))
    # Ends on the 31st, although it was created and starts earlier: the end counts.
    ended = replace(make_event("ENDED"), starts_on=date(2025, 5, 1), ends_on=date(2025, 5, 31))
    future = replace(make_event("FUTURE"), starts_on=date(2025, 5, 1), ends_on=day)
    for event in (created, started, ended, future):
        await store.create_event(event, [])
    assert await store.events_ended_before(date(2025, 5, 6)) == []
    assert await store.events_ended_before(date(2025, 5, 7)) == ["CREATED"]
    assert await store.events_ended_before(date(2025, 5, 21)) == ["CREATED", "STARTED"]
    assert await store.events_ended_before(day) == ["CREATED", "ENDED", "STARTED"]
    assert await store.events_ended_before(day + timedelta(days=1)) == [
        "CREATED",
        "ENDED",
        "FUTURE",
        "STARTED",
    ]
    # Changing the days moves it (the days are read from the event itself).
    await store.update_event("FUTURE", title="x", starts_on=None, ends_on=date(2025, 5, 2))
    await store.update_event("ENDED", title="x", starts_on=None, ends_on=None)
    assert await store.events_ended_before(date(2025, 5, 3)) == ["FUTURE"]
    await store.delete_event("FUTURE")
    assert await store.events_ended_before(day) == ["CREATED", "ENDED", "STARTED"]
