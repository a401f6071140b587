"""Ranking and points polls (live/domain/poll_points.py) and their place in polls.py."""

from __future__ import annotations

import contextlib
import itertools
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from live.domain.errors import DomainError
from live.domain.models import Tally
from live.domain.poll_points import (
    DEFAULT_BUDGET,
    MAX_BUDGET,
    ballot_borda,
    check_points,
    check_ranking,
    ranking_order,
    ranking_tally,
    recount,
)
from live.domain.polls import MAX_OPTIONS, make_ballot, new_poll, open_poll, results
from tests.domain.test_polls import NOW, assert_domain_error, make

OPTIONS = ["Personal", "Digitalisierung", "Sprache", "Wohnen"]


def ranking_poll(**overrides: Any) -> Any:
    return open_poll(make(kind="ranking", options=OPTIONS, **overrides), NOW)


def points_poll(**overrides: Any) -> Any:
    return open_poll(make(kind="points", options=OPTIONS, **overrides), NOW)


# --- creation ---------------------------------------------------------------------------------


def test_a_ranking_poll_ranks_all_options_by_default() -> None:
    poll = make(kind="ranking", options=OPTIONS)
    assert poll.max_ranked == len(OPTIONS)
    assert poll.budget is None and poll.options == tuple(OPTIONS)


@pytest.mark.parametrize("bad", [0, 5, -1, "3", 2.0, True])
def test_max_ranked_is_one_up_to_the_number_of_options(bad: object) -> None:
    assert_domain_error(
        "invalid_max_ranked", lambda: make(kind="ranking", options=OPTIONS, max_ranked=bad)
    )


def test_a_points_poll_has_a_budget_of_100_by_default() -> None:
    assert make(kind="points", options=OPTIONS).budget == DEFAULT_BUDGET == 100
    assert make(kind="points", options=OPTIONS, budget=10).budget == 10
    assert make(kind="points", options=OPTIONS).max_ranked is None


@pytest.mark.parametrize("bad", [0, -5, MAX_BUDGET + 1, "100", 1.5, False])
def test_a_budget_is_a_whole_number_up_to_the_limit(bad: object) -> None:
    assert_domain_error("invalid_budget", lambda: make(kind="points", options=OPTIONS, budget=bad))


@pytest.mark.parametrize("kind", ["ranking", "points"])
def test_ranking_and_points_need_options_like_choice_polls(kind: str) -> None:
    assert_domain_error("too_few_options", lambda: make(kind=kind, options=["Nur eine"]))
    too_many = [f"Option {i}" for i in range(MAX_OPTIONS + 1)]
    assert_domain_error("too_many_options", lambda: make(kind=kind, options=too_many))
    assert_domain_error("duplicate_option", lambda: make(kind=kind, options=["A", "a"]))


def test_settings_of_other_kinds_are_ignored() -> None:
    poll = make(kind="single", max_ranked=99, budget=-3, scale_min_label="x")
    assert (poll.max_ranked, poll.budget, poll.scale_min_label) == (None, None, None)


# --- scale end labels ---------------------------------------------------------------------------


def test_scale_polls_take_optional_end_labels() -> None:
    poll = make(
        kind="scale",
        options=[],
        scale_min_label="  trifft nicht zu ",
        scale_max_label="trifft voll zu",
    )
    assert (poll.scale_min_label, poll.scale_max_label) == ("trifft nicht zu", "trifft voll zu")
    bare = make(kind="scale", options=[], scale_min_label="", scale_max_label="   ")
    assert (bare.scale_min_label, bare.scale_max_label) == (None, None)


@pytest.mark.parametrize("bad", ["x" * 41, 5, ["a"]])
def test_a_scale_label_is_a_short_text(bad: object) -> None:
    assert_domain_error(
        "invalid_scale_label", lambda: make(kind="scale", options=[], scale_max_label=bad)
    )


# --- ballots ----------------------------------------------------------------------------------


def test_a_ranking_ballot_keeps_the_order() -> None:
    poll = ranking_poll()
    assert make_ballot(poll, ranking=[2, 0, 3, 1]).ranking == (2, 0, 3, 1)
    # Fewer than all: the rest count 0 points (see the module docstring).
    assert make_ballot(poll, ranking=[3]).ranking == (3,)
    # The other kinds' fields are not read.
    assert make_ballot(poll, ranking=[1, 0], choices=[9], points=[1]).choices == ()


@pytest.mark.parametrize(
    "bad",
    [None, [], "0123", [0, 0], [0, 4], [-1], [0, 1, 2, 3, 0], [True], [1.0], {"0": 1}],
)
def test_bad_rankings_are_refused(bad: object) -> None:
    assert_domain_error("invalid_ranking", lambda: make_ballot(ranking_poll(), ranking=bad))


def test_a_ranking_ballot_holds_at_most_max_ranked_options() -> None:
    poll = ranking_poll(max_ranked=2)
    assert make_ballot(poll, ranking=[3, 1]).ranking == (3, 1)
    error = assert_domain_error("invalid_ranking", lambda: make_ballot(poll, ranking=[3, 1, 0]))
    assert error.params == {"max": 2}


def test_a_points_ballot_spreads_at_most_the_budget() -> None:
    poll = points_poll()
    assert make_ballot(poll, points=[50, 0, 25, 25]).points == (50, 0, 25, 25)
    assert make_ballot(poll, points=[0, 1, 0, 0]).points == (0, 1, 0, 0)
    error = assert_domain_error("over_budget", lambda: make_ballot(poll, points=[50, 50, 1, 0]))
    assert error.params == {"spent": 101, "budget": 100}
    assert_domain_error("no_points", lambda: make_ballot(poll, points=[0, 0, 0, 0]))


@pytest.mark.parametrize(
    "bad", [None, [10, 10], [1, 2, 3, 4, 5], [-1, 1, 0, 0], [1.5, 0, 0, 0], [True, 0, 0, 0], "1234"]
)
def test_bad_points_are_refused(bad: object) -> None:
    assert_domain_error("invalid_points", lambda: make_ballot(points_poll(), points=bad))


def test_a_smaller_budget_is_enforced() -> None:
    poll = points_poll(budget=10)
    assert_domain_error("over_budget", lambda: make_ballot(poll, points=[5, 5, 1, 0]))


def test_checks_raise_only_domain_errors_for_any_input() -> None:
    rng = random.Random(24)
    samples: list[object] = [
        None,
        0,
        -1,
        3,
        10**9,
        "a",
        [],
        [0],
        [0, 1, 2, 3],
        [[0]],
        {},
        1.5,
        True,
    ]
    for _ in range(500):
        given = [rng.choice(samples) for _ in range(rng.randint(0, 6))]
        with contextlib.suppress(DomainError):
            check_ranking(given, 4, 4)
        with contextlib.suppress(DomainError):
            check_points(given, 4, 100)


# --- Borda and tallies ------------------------------------------------------------------------


def test_borda_gives_n_minus_1_down_to_0() -> None:
    assert ballot_borda(4, [2, 0, 3, 1]) == (2, 0, 3, 1)
    assert ballot_borda(4, [1]) == (0, 3, 0, 0)
    # Ranking all but one is the same as the full ranking: the last place is worth 0 anyway.
    assert ballot_borda(4, [2, 0, 3]) == ballot_borda(4, [2, 0, 3, 1])


def test_every_full_ranking_hands_out_the_same_points() -> None:
    for ranking in itertools.permutations(range(5)):
        assert sum(ballot_borda(5, ranking)) == 4 + 3 + 2 + 1
        assert sorted(ballot_borda(5, ranking)) == [0, 1, 2, 3, 4]


def test_the_ranking_tally_equals_the_sum_of_the_ballots() -> None:
    rng = random.Random(7)
    for size in range(2, 7):
        ballots = []
        for _ in range(rng.randint(0, 40)):
            ranking = rng.sample(range(size), rng.randint(1, size))
            ballots.append((tuple(ranking), ()))
        tally = recount(size, "ranking", ballots)
        expected = [sum(ballot_borda(size, r)[i] for r, _ in ballots) for i in range(size)]
        assert list(tally.points) == expected
        assert list(tally.first) == [sum(r[0] == i for r, _ in ballots) for i in range(size)]
        assert list(tally.counts) == [sum(i in r for r, _ in ballots) for i in range(size)]
        assert tally.voters == len(ballots) == sum(tally.first)


def test_the_ranking_tally_ignores_rows_outside_the_poll() -> None:
    tally = ranking_tally(2, [(0, 0, 3), (1, 1, 3), (0, 7, 1), (5, 0, 1)], voters=3)
    assert tally == Tally(counts=(3, 3), voters=3, points=(3, 0), first=(3, 0))


def test_the_points_tally_sums_and_counts_givers() -> None:
    tally = recount(3, "points", [((), (60, 40, 0)), ((), (0, 10, 0)), ((), (100, 0, 0))])
    assert tally == Tally(counts=(2, 2, 0), voters=3, points=(160, 50, 0))


def test_results_of_a_ranking_poll() -> None:
    poll = ranking_poll()
    shown = results(poll, recount(4, "ranking", [((1, 0, 2, 3), ()), ((1, 2, 0, 3), ())]))
    assert shown.points == (3, 6, 3, 0)
    assert shown.first == (0, 2, 0, 0)
    assert shown.percents == (25, 50, 25, 0)
    assert shown.voters == 2 and shown.total == 12
    # Before the first vote: zeros of the right length.
    empty = results(poll, Tally())
    assert empty.points == (0, 0, 0, 0) and empty.first == (0, 0, 0, 0) and empty.voters == 0


def test_results_of_a_points_poll() -> None:
    shown = results(
        points_poll(), recount(4, "points", [((), (70, 30, 0, 0)), ((), (0, 30, 0, 0))])
    )
    assert shown.points == (70, 60, 0, 0)
    assert shown.counts == (1, 2, 0, 0)
    assert shown.first == ()
    assert sum(shown.percents) == 100


def test_the_ranking_order_puts_most_points_first_then_first_places() -> None:
    assert ranking_order((3, 6, 3, 0), (1, 2, 0, 0)) == (1, 0, 2, 3)
    assert ranking_order((3, 6, 3, 0), (0, 2, 1, 0)) == (1, 2, 0, 3)
    assert ranking_order((0, 0), ()) == (0, 1)


def test_new_poll_of_every_kind_round_trips_its_settings() -> None:
    poll = new_poll(
        poll_id="p",
        event_code="K7M3QX",
        room_id="r",
        question="Was ist am wichtigsten?",
        kind="ranking",
        options=OPTIONS,
        max_ranked=3,
        visibility="live",
        now=NOW,
    )
    assert poll.max_ranked == 3 and poll.kind == "ranking"


# --- properties -------------------------------------------------------------------------------

JUNK = st.one_of(st.integers(-3, 15), st.booleans(), st.none(), st.text(max_size=2), st.floats())


@given(size=st.integers(2, 12), data=st.data())
def test_a_ranking_either_passes_whole_or_is_refused(size: int, data: st.DataObject) -> None:
    most = data.draw(st.integers(1, size))
    given_ranking = data.draw(st.lists(JUNK, max_size=14))
    try:
        ranking = check_ranking(given_ranking, size, most)
    except DomainError as error:
        assert error.code == "invalid_ranking"
        return
    assert 1 <= len(ranking) <= most
    assert len(set(ranking)) == len(ranking)
    assert all(type(r) is int and 0 <= r < size for r in ranking)


@given(size=st.integers(2, 12), budget=st.integers(1, MAX_BUDGET), data=st.data())
def test_points_either_pass_within_the_budget_or_are_refused(
    size: int, budget: int, data: st.DataObject
) -> None:
    given_points = data.draw(st.lists(st.one_of(JUNK, st.integers(0, 2000)), max_size=13))
    try:
        points = check_points(given_points, size, budget)
    except DomainError as error:
        assert error.code in ("invalid_points", "over_budget", "no_points")
        return
    assert len(points) == size and 1 <= sum(points) <= budget and min(points) >= 0


@given(
    size=st.integers(2, 8),
    ballots=st.lists(st.permutations(range(8)), max_size=30),
    cut=st.integers(1, 8),
)
def test_borda_totals_are_conserved(size: int, ballots: list[list[int]], cut: int) -> None:
    """Every ballot of k places hands out exactly (n-1) + … + (n-k) points, and the tally's
    first places add up to the voters, however the places are cut."""
    rankings = [tuple(o for o in b if o < size)[: min(cut, size)] for b in ballots]
    tally = recount(size, "ranking", [(r, ()) for r in rankings])
    expected = sum(sum(size - 1 - p for p in range(len(r))) for r in rankings)
    assert sum(tally.points) == expected
    assert sum(tally.first) == tally.voters == len(rankings)
    assert sorted(ranking_order(tally.points, tally.first)) == list(range(size))
