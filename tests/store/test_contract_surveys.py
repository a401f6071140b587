"""The Store contract for self-paced surveys (issue 24, item 4), once per backend (see
conftest.BACKENDS): add_survey stores the survey with its polls, save_survey moves the survey
and its polls' state together, and opening an ordinary poll never closes a survey's question."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from live.domain.models import Ballot, Survey
from live.store import DuplicateKey, Store, StoreError
from tests.store.test_contract import CODE, T0, make_poll, setup_event


def make_survey(survey_id: str = "s1", room_id: str = "r1", n: int = 3) -> Survey:
    return Survey(
        id=survey_id,
        event_code=CODE,
        room_id=room_id,
        title="Abschlussevaluation – Tagung 2025",
        state="draft",
        poll_ids=tuple(f"{survey_id}q{i}" for i in range(n)),
        created_at=T0,
    )


def survey_polls(survey: Survey):  # type: ignore[no-untyped-def]
    return [
        replace(make_poll(poll_id, survey.room_id), survey_id=survey.id)
        for poll_id in survey.poll_ids
    ]


async def add(store: Store, survey: Survey) -> Survey:
    await store.add_survey(survey, survey_polls(survey))
    return survey


async def test_add_survey_stores_it_with_its_polls_and_bumps_the_version(store: Store) -> None:
    await setup_event(store, "r1")
    before = await store.room_version("r1")
    survey = make_survey()
    assert await store.add_survey(survey, survey_polls(survey)) > before
    assert await store.get_survey(CODE, "s1") == survey
    assert await store.list_surveys(CODE) == [survey]
    polls = await store.list_polls("r1")
    assert [p.id for p in polls] == list(survey.poll_ids)
    assert {p.survey_id for p in polls} == {"s1"}
    assert (await store.get_poll("s1q0")) == survey_polls(survey)[0]


async def test_surveys_are_listed_oldest_first_and_found_by_event_only(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    later = replace(make_survey("s2", "r2"), created_at=T0 + timedelta(minutes=1))
    await add(store, later)
    first = await add(store, make_survey("s1"))
    assert await store.list_surveys(CODE) == [first, later]
    assert await store.get_survey("OTHER", "s1") is None
    assert await store.get_survey(CODE, "missing") is None
    assert await store.list_surveys("OTHER") == []


async def test_a_known_survey_id_is_refused(store: Store) -> None:
    await setup_event(store, "r1")
    await add(store, make_survey())
    again = replace(make_survey(), poll_ids=("x1",))
    with pytest.raises(DuplicateKey):
        await store.add_survey(again, survey_polls(again))


async def test_save_survey_opens_and_closes_its_polls_with_it(store: Store) -> None:
    await setup_event(store, "r1")
    survey = await add(store, make_survey())
    opened = replace(survey, state="open", opened_at=T0 + timedelta(minutes=5), title="Neu")
    before = await store.room_version("r1")
    assert await store.save_survey(opened) == before + 1
    assert await store.get_survey(CODE, "s1") == opened
    for poll in await store.list_polls("r1"):
        assert (poll.state, poll.opened_at, poll.closed_at) == ("open", opened.opened_at, None)
    # Votes are the polls' own: a participant answers question 2, then changes the answer.
    await store.cast_vote("s1q1", "p1", Ballot(choices=(0,)), None)
    await store.cast_vote("s1q1", "p1", Ballot(choices=(2,)), None)
    assert (await store.ballots(["s1q1"]))["s1q1"] == {"p1": Ballot(choices=(2,))}
    closed = replace(opened, state="closed", closed_at=T0 + timedelta(minutes=9))
    await store.save_survey(closed)
    for poll in await store.list_polls("r1"):
        assert (poll.state, poll.closed_at) == ("closed", closed.closed_at)


async def test_opening_an_ordinary_poll_leaves_an_open_survey_open(store: Store) -> None:
    await setup_event(store, "r1")
    survey = await add(store, make_survey())
    await store.save_survey(replace(survey, state="open", opened_at=T0))
    ordinary = make_poll("p-ord")
    await store.add_poll(ordinary)
    outcome = await store.open_poll(replace(ordinary, state="open", opened_at=T0))
    assert outcome.closed == ()
    states = {p.id: p.state for p in await store.list_polls("r1")}
    assert states == {"s1q0": "open", "s1q1": "open", "s1q2": "open", "p-ord": "open"}


async def test_save_survey_of_an_unknown_survey_is_refused(store: Store) -> None:
    await setup_event(store, "r1")
    with pytest.raises(StoreError):
        await store.save_survey(make_survey("missing"))


async def test_delete_event_removes_its_surveys(store: Store) -> None:
    await setup_event(store, "r1")
    await add(store, make_survey())
    await store.delete_event(CODE)
    assert await store.list_surveys(CODE) == []
    assert await store.get_poll("s1q0") is None
