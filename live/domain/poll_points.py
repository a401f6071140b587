"""Ranking and points polls (issue 24): their settings, ballots and tallies.

Ranking: a ballot orders 1..max_ranked distinct options, best first. Borda count: on a poll
with n options the option in place p (0 for the first) gets n − 1 − p points, so a full ranking
gives n − 1 … 0. Options a ballot leaves out get 0 points, as the last place of a full ranking
does; the points of a place never depend on how many options the ballot ranked, so a short
ballot and a full one weigh their first places alike (and a ballot ranking all but one option
counts exactly like the full ranking).

Points: a ballot gives each option a whole number of points >= 0, together at least 1 and at
most the poll's budget (default 100); results are the sums per option.

Pure, like the rest of live/domain: every function taking people's input accepts any type and
raises only DomainError.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeGuard

from live.domain.errors import DomainError
from live.domain.models import Tally
from live.domain.text import _n

DEFAULT_BUDGET = 100
MAX_BUDGET = 1000


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_max_ranked(max_ranked: object, size: int) -> int:
    """How many options a ranking ballot may hold: None → all ``size``; else 1..size."""
    if max_ranked is None:
        return size
    if not _is_int(max_ranked) or not 1 <= max_ranked <= size:
        msg = _n("Es lassen sich 1 bis %(max)d Antworten in eine Reihenfolge bringen.")
        raise DomainError("invalid_max_ranked", msg, max=size)
    return max_ranked


def check_budget(budget: object) -> int:
    """The points a participant may spread: None → DEFAULT_BUDGET; else 1..MAX_BUDGET."""
    if budget is None:
        return DEFAULT_BUDGET
    if not _is_int(budget) or not 1 <= budget <= MAX_BUDGET:
        msg = _n("Pro Person lassen sich 1 bis %(max)d Punkte verteilen.")
        raise DomainError("invalid_budget", msg, max=MAX_BUDGET)
    return budget


def check_ranking(ranking: object, size: int, max_ranked: int) -> tuple[int, ...]:
    """A ranking ballot: 1..max_ranked distinct option indexes below ``size``, best first."""
    if not isinstance(ranking, list | tuple) or not ranking:
        msg = _n("Bitte bringen Sie die Antworten in eine Reihenfolge.")
        raise DomainError("invalid_ranking", msg)
    if len(ranking) > max_ranked:
        msg = _n("Sie können höchstens %(max)d Antworten in eine Reihenfolge bringen.")
        raise DomainError("invalid_ranking", msg, max=max_ranked)
    if not all(_is_int(r) and 0 <= r < size for r in ranking):
        raise DomainError("invalid_ranking", _n("Diese Antwort gibt es nicht."))
    if len(set(ranking)) != len(ranking):
        msg = _n("Jede Antwort kann nur einen Platz haben.")
        raise DomainError("invalid_ranking", msg)
    return tuple(ranking)


def check_points(points: object, size: int, budget: int) -> tuple[int, ...]:
    """A points ballot: one whole number >= 0 per option, together 1..budget."""
    if not isinstance(points, list | tuple) or len(points) != size:
        msg = _n("Bitte geben Sie für jede der %(count)d Antworten eine Punktzahl an.")
        raise DomainError("invalid_points", msg, count=size)
    if not all(_is_int(p) and p >= 0 for p in points):
        msg = _n("Punkte sind ganze Zahlen ab 0.")
        raise DomainError("invalid_points", msg)
    spent = sum(points)
    if spent > budget:
        msg = _n("Sie haben %(spent)d Punkte verteilt, erlaubt sind höchstens %(budget)d.")
        raise DomainError("over_budget", msg, spent=spent, budget=budget)
    if spent == 0:
        raise DomainError("no_points", _n("Bitte verteilen Sie mindestens einen Punkt."))
    return tuple(points)


def moved(order: Sequence[int], option: int, up: bool) -> tuple[int, ...]:
    """``order`` with ``option`` one place up (towards the first) or down; unchanged at either
    end or when the option is not in it (the page's up/down buttons without JavaScript)."""
    items = list(order)
    if option not in items:
        return tuple(items)
    at = items.index(option)
    to = at - 1 if up else at + 1
    if 0 <= to < len(items):
        items[at], items[to] = items[to], items[at]
    return tuple(items)


def borda(size: int, place: int) -> int:
    """The points of place ``place`` (0: first) on a poll with ``size`` options."""
    return size - 1 - place


def ballot_borda(size: int, ranking: Sequence[int]) -> tuple[int, ...]:
    """The points one ranking ballot gives each option (unranked options: 0)."""
    points = [0] * size
    for place, option in enumerate(ranking):
        points[option] = borda(size, place)
    return tuple(points)


def ranking_tally(size: int, placements: Iterable[tuple[int, int, int]], voters: int) -> Tally:
    """The tally of a ranking poll from how many ballots put which option in which place:
    ``placements`` holds (place, option, ballots) rows, a pair at most once (both stores count
    them so). Entries outside the poll (a store bug) are ignored rather than misplaced."""
    counts = [0] * size
    points = [0] * size
    first = [0] * size
    for place, option, ballots in placements:
        if not (0 <= option < size and 0 <= place < size):
            continue
        counts[option] += ballots
        points[option] += ballots * borda(size, place)
        if place == 0:
            first[option] += ballots
    return Tally(counts=tuple(counts), voters=voters, points=tuple(points), first=tuple(first))


def points_tally(size: int, sums: Sequence[int], givers: Sequence[int], voters: int) -> Tally:
    """The tally of a points poll: the sums per option and how many ballots gave each option
    points at all (counts)."""
    if len(sums) != size or len(givers) != size:
        raise ValueError(f"points tally of {len(sums)}/{len(givers)} entries, poll needs {size}")
    return Tally(counts=tuple(givers), voters=voters, points=tuple(sums))


def recount(
    size: int, kind: str, ballots: Iterable[tuple[tuple[int, ...], tuple[int, ...]]]
) -> Tally:
    """The tally straight from the ballots, as (ranking, points) pairs: the reference both
    stores' counting is tested against."""
    rows: dict[tuple[int, int], int] = {}
    sums = [0] * size
    givers = [0] * size
    voters = 0
    for ranking, points in ballots:
        voters += 1
        for place, option in enumerate(ranking):
            rows[place, option] = rows.get((place, option), 0) + 1
        for option, given in enumerate(points):
            sums[option] += given
            givers[option] += given > 0
    if kind == "ranking":
        return ranking_tally(size, ((p, o, n) for (p, o), n in rows.items()), voters)
    return points_tally(size, sums, givers, voters)


def ranking_order(points: Sequence[int], first: Sequence[int]) -> tuple[int, ...]:
    """Option indexes from the most points down; ties go to more first places, then to the
    option listed first (so the order is stable while nobody votes)."""
    return tuple(
        sorted(range(len(points)), key=lambda i: (-points[i], -(first[i] if first else 0), i))
    )
