"""The Store contract for issue 24's poll kinds (once per backend, see conftest.BACKENDS):
ranking and points polls, their settings, tallies that equal a recount of the ballots however
often ballots change, and the scale's end labels."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace

from live.domain.models import Ballot, Poll
from live.domain.poll_points import recount
from live.store import Store
from tests.store.test_contract import add_open_poll, make_poll, setup_event

OPTIONS = ("Personal", "Digitalisierung", "Sprache", "Wohnen")


def ranking_poll(poll_id: str = "k", max_ranked: int = 4) -> Poll:
    return replace(make_poll(poll_id, kind="ranking", options=OPTIONS), max_ranked=max_ranked)


def points_poll(poll_id: str = "q", budget: int = 100) -> Poll:
    return replace(make_poll(poll_id, kind="points", options=OPTIONS), budget=budget)


async def test_settings_of_the_new_kinds_round_trip(store: Store) -> None:
    await setup_event(store)
    ranking, points = ranking_poll(max_ranked=3), points_poll(budget=10)
    scale = replace(
        make_poll("s", kind="scale", scale=(1, 5)),
        scale_min_label="trifft nicht zu",
        scale_max_label="trifft voll zu",
    )
    for poll in (ranking, points, scale):
        await store.add_poll(poll)
        assert await store.get_poll(poll.id) == poll
    # The other kinds keep None (absent in Redis, NULL in SQLite).
    plain = make_poll("p")
    await store.add_poll(plain)
    stored = await store.get_poll("p")
    assert stored is not None
    assert (stored.max_ranked, stored.budget, stored.scale_min_label) == (None, None, None)


async def test_a_ranking_tally_counts_places_and_a_changed_ballot_replaces_the_old(
    store: Store,
) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, ranking_poll())
    assert (await store.tally(poll)).voters == 0
    await store.cast_vote("k", "u1", Ballot(ranking=(1, 0, 2, 3)), "a")
    await store.cast_vote("k", "u2", Ballot(ranking=(1, 2)), "b")
    tally = await store.tally(poll)
    assert tally.points == (2, 6, 3, 0)
    assert tally.first == (0, 2, 0, 0)
    assert tally.counts == (1, 2, 2, 1)
    assert tally.voters == 2
    # A changed ballot replaces the old one; a repeated request id changes nothing.
    await store.cast_vote("k", "u2", Ballot(ranking=(3, 2, 1, 0)), "c")
    assert not (await store.cast_vote("k", "u2", Ballot(ranking=(0,)), "c")).applied
    tally = await store.tally(poll)
    assert tally.points == (2, 4, 3, 3)
    assert tally.first == (0, 1, 0, 1)
    assert tally.voters == 2
    assert await store.participant_ballots("u2", ["k"]) == {"k": Ballot(ranking=(3, 2, 1, 0))}


async def test_a_points_tally_sums_and_a_changed_ballot_replaces_the_old(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, points_poll())
    await store.cast_vote("q", "u1", Ballot(points=(60, 40, 0, 0)), "a")
    await store.cast_vote("q", "u2", Ballot(points=(0, 0, 0, 100)), None)
    tally = await store.tally(poll)
    assert (tally.points, tally.counts, tally.voters) == ((60, 40, 0, 100), (1, 1, 0, 1), 2)
    await store.cast_vote("q", "u1", Ballot(points=(1, 0, 9, 0)), "b")
    assert not (await store.cast_vote("q", "u1", Ballot(points=(50, 50, 0, 0)), "b")).applied
    tally = await store.tally(poll)
    assert (tally.points, tally.counts, tally.voters) == ((1, 0, 9, 100), (1, 0, 1, 1), 2)
    assert await store.ballots(["q"]) == {
        "q": {"u1": Ballot(points=(1, 0, 9, 0)), "u2": Ballot(points=(0, 0, 0, 100))}
    }


async def test_tallies_equal_a_recount_after_many_concurrent_changes(store: Store) -> None:
    """Random ballots, changed again and again, some at the same moment: the counters both
    stores keep (Redis) or compute (SQLite) equal the tally recounted from the ballots."""
    await setup_event(store)
    ranking = await add_open_poll(store, ranking_poll("k", max_ranked=3))
    points = await add_open_poll(store, points_poll("q", budget=20))
    rng = random.Random(24)
    people = [f"u{i}" for i in range(12)]
    for _ in range(4):
        votes = []
        for person in people:
            order = tuple(rng.sample(range(4), rng.randint(1, 3)))
            given = [rng.randint(0, 5) for _ in range(4)]
            given[rng.randrange(4)] += 1  # at least one point
            votes.append(store.cast_vote("k", person, Ballot(ranking=order), None))
            votes.append(store.cast_vote("q", person, Ballot(points=tuple(given)), None))
        await asyncio.gather(*votes)
    ballots = await store.ballots(["k", "q"])
    expected_k = recount(4, "ranking", [(b.ranking, ()) for b in ballots["k"].values()])
    expected_q = recount(4, "points", [((), b.points) for b in ballots["q"].values()])
    assert await store.tally(ranking) == expected_k
    assert await store.tally(points) == expected_q
    assert expected_k.voters == expected_q.voters == len(people)
