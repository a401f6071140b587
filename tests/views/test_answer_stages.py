"""The stage a page's vote is answered with (live.views.regions.AnswerStages): the same markup
as the page socket's stage, rendered once per tick and ballot, never stale across ticks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from live.domain.models import Ballot, Event, Poll, Results, Room
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.views import regions
from live.views.regions import AnswerStages, participant_regions

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
EVENT = Event("ABC123", "Tagung", T0, "m" * 64)
ROOM = Room("r", "ABC123", "Plenum", 0)
POLL = Poll(
    id="p1",
    event_code="ABC123",
    room_id="r",
    question="Wie sind Sie angereist?",
    kind="single",
    options=("Bahn", "Auto"),
    scale_min=None,
    scale_max=None,
    state="open",
    visibility="live",
    created_at=T0,
    opened_at=T0,
)


def tick(version: int, counts: tuple[int, int], ballots: dict[str, Ballot]) -> RoomState:
    voters = sum(counts)
    percents = tuple(round(100 * c / voters) if voters else 0 for c in counts)
    results = {POLL.id: Results(counts, voters, percents)}
    return RoomState(version, EVENT, ROOM, (ROOM,), (POLL,), results, {POLL.id: ballots})


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which participants' stages were really rendered."""
    seen: list[str] = []
    real = regions.participant_regions

    def counting(lang: str, state: RoomState, pid: str | None) -> list[Region]:
        seen.append(str(pid))
        return real(lang, state, pid)  # type: ignore[arg-type]

    monkeypatch.setattr(regions, "participant_regions", counting)
    return seen


def test_one_render_per_tick_and_ballot(renders: list[str]) -> None:
    stages = AnswerStages()
    held = tick(1, (3, 1), {})
    # Each answer is the held state with this participant's ballot (RoomService.for_answer).
    a = replace(held, ballots={POLL.id: {"a": Ballot(choices=(0,))}})
    b = replace(held, ballots={POLL.id: {"b": Ballot(choices=(0,))}})
    c = replace(held, ballots={POLL.id: {"c": Ballot(choices=(1,))}})
    first = stages.stage("de", a, "a")
    assert stages.stage("de", b, "b") == first
    other = stages.stage("de", c, "c")
    assert other != first
    assert renders == ["a", "c"]
    # The same markup the page socket would send for this participant.
    assert first == participant_regions("de", a, "a")[0].frame
    assert other == participant_regions("de", c, "c")[0].frame
    # Another language is another render.
    assert stages.stage("en", b, "b") != first
    assert renders[-1] == "b"


def test_a_new_tick_renders_anew(renders: list[str]) -> None:
    stages = AnswerStages()
    before = stages.stage("de", tick(1, (3, 1), {"a": Ballot(choices=(0,))}), "a")
    after = stages.stage("de", tick(2, (4, 1), {"b": Ballot(choices=(0,))}), "b")
    assert after != before
    assert "4" in after and renders == ["a", "b"]


def test_without_a_ballot_the_form_is_fresh(renders: list[str]) -> None:
    stages = AnswerStages()
    held = tick(1, (3, 1), {})
    voted = stages.stage("de", replace(held, ballots={POLL.id: {"a": Ballot(choices=(1,))}}), "a")
    fresh = stages.stage("de", held, "z")
    assert fresh != voted
    assert renders == ["a", "z"]


def test_many_combinations_stay_bounded(renders: list[str]) -> None:
    stages = AnswerStages()
    many = replace(POLL, kind="multiple", options=tuple(f"Option {i}" for i in range(9)))
    results = {many.id: Results((0,) * 9, 0, (0,) * 9)}
    held = RoomState(1, EVENT, ROOM, (ROOM,), (many,), results)
    for mask in range(1, AnswerStages.LIMIT + 10):
        ticked = tuple(i for i in range(9) if mask >> i & 1)
        pid = f"p{mask}"
        stages.stage("de", replace(held, ballots={many.id: {pid: Ballot(choices=ticked)}}), pid)
    assert len(renders) == AnswerStages.LIMIT + 9
    assert max(len(s) for _, s in stages._rooms.values()) <= AnswerStages.LIMIT
