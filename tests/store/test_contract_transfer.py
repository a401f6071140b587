"""The Store contract for the reads behind `live export` (issue 22), once per backend (see
conftest.BACKENDS): every participant with its join time, a poll's ballots in the order the
results need, and who upvotes a question."""

from __future__ import annotations

from datetime import timedelta

from live.domain.models import Ballot
from live.store import Store
from tests.store.test_contract import (
    CODE,
    T0,
    add_open_poll,
    make_poll,
    make_question,
    setup_event,
)


async def test_list_participants_by_join_time_unknown_first(store: Store) -> None:
    await setup_event(store)
    await store.add_participant(CODE, "b-late", "h1", T0 + timedelta(minutes=2))
    await store.add_participant(CODE, "z-early", "h2", T0)
    await store.add_participant(CODE, "y-legacy", "h3")
    await store.add_participant(CODE, "a-early", "h4", T0)
    await store.add_participant(CODE, "x-legacy", "h5")
    assert await store.list_participants(CODE) == [
        ("x-legacy", None),
        ("y-legacy", None),
        ("a-early", T0),
        ("z-early", T0),
        ("b-late", T0 + timedelta(minutes=2)),
    ]
    assert await store.list_participants("NOPE99") == []


async def test_text_ballots_come_in_the_order_of_their_last_change(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1", kind="text"))
    await store.cast_vote(poll.id, "u-c", Ballot(texts=("eins",)), None)
    await store.cast_vote(poll.id, "u-a", Ballot(texts=("zwei", "drei")), None)
    await store.cast_vote(poll.id, "u-b", Ballot(texts=("vier",)), None)
    await store.cast_vote(poll.id, "u-c", Ballot(texts=("fünf",)), None)  # changed: now last
    assert await store.poll_ballots(poll.id) == [
        ("u-a", Ballot(texts=("zwei", "drei"))),
        ("u-b", Ballot(texts=("vier",))),
        ("u-c", Ballot(texts=("fünf",))),
    ]
    # The same order as the tally's texts, which the results' "newest" ties go by.
    texts = tuple(t for _pid, b in await store.poll_ballots(poll.id) for t in b.texts)
    assert (await store.tally(poll)).texts == texts


async def test_other_ballots_come_by_participant(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("p1"))
    scale = await add_open_poll(store, make_poll("p2", kind="scale", scale=(1, 5)))
    await store.cast_vote(poll.id, "u-c", Ballot(choices=(1,)), None)
    await store.cast_vote(poll.id, "u-a", Ballot(choices=(0,)), None)
    await store.cast_vote(scale.id, "u-b", Ballot(value=4), None)
    assert await store.poll_ballots(poll.id) == [
        ("u-a", Ballot(choices=(0,))),
        ("u-c", Ballot(choices=(1,))),
    ]
    assert await store.poll_ballots(scale.id) == [("u-b", Ballot(value=4))]
    assert await store.poll_ballots("nope") == []


async def test_upvoters_per_question(store: Store) -> None:
    await setup_event(store)
    await store.add_question(make_question("q1"), None, None)
    await store.add_question(make_question("q2"), None, None)
    for pid in ("u1", "u2", "u3"):
        await store.set_upvote("q1", pid, True, None)
    await store.set_upvote("q1", "u2", False, None)
    assert await store.upvoters(["q1", "q2", "unknown"]) == {"q1": {"u1", "u3"}, "q2": set()}
    assert await store.upvoters([]) == {}
