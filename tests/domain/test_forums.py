from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from live.domain import forums as rules
from live.domain.errors import DomainError
from live.domain.models import Idea, Poll, Results, Room

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def assert_error(code: str, call: Callable[[], object]) -> None:
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code


def room(rid: str, position: int, **kw: object) -> Room:
    return replace(Room(rid, "EVT", f"Forum {rid}", position), **kw)  # type: ignore[arg-type]


def ranking(pid: str, rid: str, state: str = "closed", kind: str = "ranking") -> Poll:
    return Poll(
        id=pid,
        event_code="EVT",
        room_id=rid,
        question="Welches Thema?",
        kind=kind,  # type: ignore[arg-type]
        options=("Ausbildung", "Digitalisierung", "Langzeitarbeitslosigkeit", "Sprache"),
        scale_min=None,
        scale_max=None,
        state=state,  # type: ignore[arg-type]
        visibility="live",
        created_at=NOW,
    )


def results(points: tuple[int, ...], first: tuple[int, ...], voters: int = 5) -> Results:
    return Results(
        counts=(0,) * len(points), voters=voters, percents=(), points=points, first=first
    )


def idea(
    iid: str,
    rid: str,
    *,
    upvotes: int = 0,
    marked: bool = True,
    state: str = "approved",
    minutes: int = 0,
) -> Idea:
    return Idea(
        iid,
        "EVT",
        rid,
        "p",
        f"Idee {iid}",
        state,  # type: ignore[arg-type]
        NOW + timedelta(minutes=minutes),
        upvotes,
        marked,
    )


PLENUM = room("plenum", 0)
F1 = room("f1", 1)
F2 = room("f2", 2)


def test_every_room_but_the_first_takes_part_by_default() -> None:
    rooms = [F2, PLENUM, F1]
    assert [r.id for r in rules.forum_rooms(rooms)] == ["f1", "f2"]


def test_the_organiser_can_take_the_plenary_in_and_a_forum_out() -> None:
    rooms = [replace(PLENUM, forum_shown=True), F1, replace(F2, forum_shown=False)]
    assert [r.id for r in rules.forum_rooms(rooms)] == ["plenum", "f1"]


def test_marked_ideas_most_upvoted_first_then_oldest_limited() -> None:
    ideas = [
        idea("a", "f1", upvotes=2, minutes=3),
        idea("b", "f1", upvotes=7),
        idea("c", "f1", upvotes=2, minutes=1),
        idea("d", "f1", upvotes=9, marked=False),
        idea("e", "f1", upvotes=9, state="hidden"),
        idea("f", "f1", upvotes=1),
    ]
    items = rules.marked_ideas(ideas)
    assert [(i.text, i.upvotes) for i in items] == [("Idee b", 7), ("Idee c", 2), ("Idee a", 2)]
    assert len(rules.marked_ideas(ideas, None)) == 4


def test_ranking_top_three_by_points_ties_by_first_places_then_order() -> None:
    poll = ranking("p1", "f1")
    top = rules.ranking_top(poll, results((6, 9, 6, 6), (1, 3, 2, 1)))
    assert [(i.text, i.points) for i in top] == [
        ("Digitalisierung", 9),
        ("Langzeitarbeitslosigkeit", 6),
        ("Ausbildung", 6),
    ]
    assert rules.ranking_top(poll, results((0, 0, 0, 0), (0, 0, 0, 0), voters=0)) == ()


def test_columns_per_source_and_state() -> None:
    rooms = [
        PLENUM,
        replace(F1, forum_poll_id="p1"),
        replace(F2, forum_poll_id="p2"),
        room("f3", 3),
        room("f4", 4, forum_poll_id="gone"),
    ]
    polls = {"f1": [ranking("p1", "f1")], "f2": [ranking("p2", "f2", state="open")]}
    res = {"p1": results((3, 2, 1, 0), (2, 1, 0, 0)), "p2": results((9, 0, 0, 0), (3, 0, 0, 0))}
    ideas = {"f3": [idea("x", "f3", marked=False)]}
    columns = rules.forum_columns(rooms, polls, res, ideas)
    assert [(c.room_id, c.source, c.state) for c in columns] == [
        ("f1", "ranking", "items"),
        ("f2", "ranking", "waiting"),
        ("f3", "ideas", "empty"),
        ("f4", "ranking", "missing"),
    ]
    assert [i.text for i in columns[0].items] == [
        "Ausbildung",
        "Digitalisierung",
        "Langzeitarbeitslosigkeit",
    ]
    assert columns[0].name == "Forum f1"
    # Results of an open poll stay off the wall, whatever they are.
    assert columns[1].items == ()


def test_a_closed_poll_without_voters_is_an_empty_column() -> None:
    rooms = [PLENUM, replace(F1, forum_poll_id="p1")]
    polls = {"f1": [ranking("p1", "f1")]}
    res = {"p1": results((0, 0, 0, 0), (0, 0, 0, 0), voters=0)}
    [column] = rules.forum_columns(rooms, polls, res, {})
    assert column.state == "empty"


def test_the_source_must_be_a_ranking_poll_of_the_room() -> None:
    rules.check_forum_poll(ranking("p1", "f1"), F1)
    assert_error("poll_not_found", lambda: rules.check_forum_poll(ranking("p1", "f2"), F1))
    assert_error(
        "not_a_ranking_poll", lambda: rules.check_forum_poll(ranking("p1", "f1", kind="single"), F1)
    )


@pytest.mark.parametrize("raw", ["ja", 1, 0, "true", [], {}])
def test_bad_shown(raw: object) -> None:
    assert_error("invalid_forum_shown", lambda: rules.parse_shown(raw))


@pytest.mark.parametrize("raw", [5, ["p"], "x" * 65, True])
def test_bad_poll_id(raw: object) -> None:
    assert_error("poll_not_found", lambda: rules.parse_poll_id(raw))


def test_good_settings() -> None:
    assert rules.parse_shown(None) is None
    assert rules.parse_shown(False) is False
    assert rules.parse_poll_id("") is None
    assert rules.parse_poll_id("p1") == "p1"


def test_only_a_marked_idea_changes_a_column() -> None:
    marked, plain = idea("a", "f1"), idea("b", "f1", marked=False)
    assert rules.idea_matters(plain, marked)  # marked now
    assert rules.idea_matters(marked, replace(marked, marked=False))  # unmarked
    assert rules.idea_matters(marked, replace(marked, upvotes=3))
    assert rules.idea_matters(None, marked)
    assert not rules.idea_matters(plain, replace(plain, upvotes=3))
    assert not rules.idea_matters(None, plain)
