"""gather() against the real stores: one read of the event, participant ids reduced to counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from live.domain.models import Ballot, Question
from live.report.gather import gather
from live.store import Store
from live.store.redis import RedisStore
from tests.report.factory import at, event, item, poll, room
from tests.store.conftest import BACKENDS

# The Redis half of the issue-7 store methods lands separately; the Redis run starts as soon
# as it has them.
NAMES = ["sqlite-file", *(["redis"] if hasattr(RedisStore, "list_agenda") else [])]


@pytest.fixture(params=NAMES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    backend = BACKENDS[request.param](request, tmp_path)
    await backend.open()
    try:
        yield backend
    finally:
        await backend.close()


def q(id: str, room_id: str, author: str, state: str) -> Question:
    return Question(id, "K7M3QX", room_id, author, f"Frage {id}", None, state, at(3))  # type: ignore[arg-type]


async def test_gather_reads_everything_and_keeps_only_counts(store: Store) -> None:
    await store.create_event(event(), [room("r1", "Plenum", 0), room("r2", "Forum", 1)])
    for pid in ("a", "b", "c", "d"):
        await store.add_participant("K7M3QX", pid, f"hash-{pid}")
    await store.add_agenda_item(item("talk", 0, 60, speaker="Dr. X"))
    await store.add_agenda_item(item("forum", 0, 60, room_id="r2"))
    single = poll("p1").poll
    await store.add_poll(single)
    await store.update_poll(replace(single, state="open"))
    for pid, choice in (("a", 0), ("b", 1), ("c", 1)):
        await store.cast_vote("p1", pid, Ballot(choices=(choice,)), None)
    for question in (q("q1", "r1", "a", "approved"), q("q2", "r1", "d", "approved")):
        await store.add_question(question, None, None)
    await store.set_mood("r1", "a", 2, None, at(5))
    await store.set_mood("r1", "a", 4, None, at(10))
    await store.set_mood("r2", "b", 5, None, at(6))
    await store.record_applause("r1", [(at(20), 0.5), (at(20) + timedelta(seconds=1), 0.8)])

    report = await gather(store, event(), at(120))

    assert report.participants == 4
    assert report.active == 4  # a, b, c voted; d asked
    plenary, forum = report.rooms
    assert [i.id for i in plenary.agenda] == ["talk"] and [i.id for i in forum.agenda] == ["forum"]
    (p1,) = plenary.polls
    assert p1.results.counts == (1, 2, 0) and p1.results.voters == 3
    assert [x.id for x in plenary.questions] == ["q1", "q2"]
    assert all(x.participant_id == "" for x in plenary.questions)
    assert plenary.mood_course == ((at(5), 2.0), (at(10), 4.0))
    assert plenary.mood_counts == (0, 0, 0, 1, 0) and plenary.mood_average == 4.0
    assert plenary.applause == ((at(20), 0.5), (at(20) + timedelta(seconds=1), 0.8))
    assert (plenary.participation.voters, plenary.participation.askers) == (3, 2)
    assert (plenary.participation.mood_givers, plenary.participation.active) == (1, 4)
    assert forum.participation.mood_givers == 1 and forum.polls == ()
    assert "'a'" not in repr(report) and "'d'" not in repr(report)
