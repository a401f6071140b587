"""The survey rules (live/domain/surveys.py): one state for all questions, the order, progress
(started, finished), the step asked for, the template, and what is kept out of the ordinary
poll lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from live.domain import surveys as rules
from live.domain.errors import DomainError
from live.domain.models import Ballot, Poll, Survey

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def poll(poll_id: str, survey_id: str | None = None) -> Poll:
    return Poll(
        poll_id, "EV1", "r1", "Gut?", "scale", (), 1, 5, "draft", "after_close", T0,
        survey_id=survey_id,
    )  # fmt: skip


def survey(n: int = 3) -> Survey:
    polls = [poll(f"q{i}") for i in range(n)]
    made, _ = rules.new_survey(
        survey_id="s1", event_code="EV1", room_id="r1", title="  Abschluss  ", polls=polls, now=T0
    )
    return made


def test_a_new_survey_keeps_the_order_and_marks_its_polls() -> None:
    polls = [poll("b"), poll("a"), poll("c")]
    made, marked = rules.new_survey(
        survey_id="s1", event_code="EV1", room_id="r1", title="Abschluss", polls=polls, now=T0
    )
    assert made.poll_ids == ("b", "a", "c") and made.state == "draft"
    assert [p.survey_id for p in marked] == ["s1", "s1", "s1"]
    assert rules.ordinary([*marked, poll("x")]) == (poll("x"),)


@pytest.mark.parametrize(
    ("title", "code"), [("", "empty_title"), ("   ", "empty_title"), (None, "empty_title"),
                        ("x" * 121, "title_too_long")]
)  # fmt: skip
def test_bad_titles_are_refused(title: object, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        rules.check_title(title)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("questions", "code"),
    [
        ([], "no_questions"),
        ("x", "no_questions"),
        ([{"kind": "text"}] * 21, "too_many_questions"),
        (["Frage?"], "invalid_question"),
        ([{"kind": "ranking"}], "invalid_kind"),
        ([{"kind": "points"}], "invalid_kind"),
        ([{"kind": "scale"}, {}], "invalid_kind"),
    ],
)
def test_bad_question_lists_are_refused(questions: object, code: str) -> None:
    with pytest.raises(DomainError) as exc:
        rules.check_questions(questions)
    assert exc.value.code == code


def test_open_close_and_open_again() -> None:
    draft = survey()
    with pytest.raises(DomainError) as exc:
        rules.close_survey(draft, T0)
    assert exc.value.code == "survey_not_open"
    opened = rules.open_survey(draft, T0)
    assert (opened.state, opened.opened_at, opened.closed_at) == ("open", T0, None)
    assert rules.open_survey(opened, T0 + timedelta(1)) is opened  # a double click
    closed = rules.close_survey(opened, T0 + timedelta(minutes=5))
    assert closed.state == "closed" and rules.close_survey(closed, T0) is closed
    again = rules.open_survey(closed, T0 + timedelta(minutes=6))
    assert again.state == "open" and again.closed_at is None
    follows = rules.as_survey_poll(again, poll("q0", "s1"))
    assert (follows.state, follows.opened_at, follows.closed_at) == ("open", again.opened_at, None)


def test_progress_counts_started_and_finished_people() -> None:
    s = survey(3)
    vote = Ballot(value=3)
    ballots = {
        "q0": {"anna": vote, "ben": vote, "cem": vote},
        "q1": {"anna": vote, "ben": vote},
        "q2": {"anna": vote, "dora": vote},
        "other": {"emil": vote},  # not the survey's
    }
    assert rules.progress(s, ballots) == rules.Progress(started=4, finished=1)
    assert rules.progress(s, {}) == rules.Progress(0, 0)


def test_the_step_asked_for_and_where_a_returning_person_starts() -> None:
    s = survey(3)
    assert [rules.step_of(s, v) for v in ("1", "3", "4", "5", "0", "x", None, "-1")] == [
        1, 3, 4, 1, 1, 1, 1, 1
    ]  # fmt: skip
    assert rules.first_unanswered(s, {}) == 1
    assert rules.first_unanswered(s, {"q0": Ballot(value=1), "q2": Ballot(value=1)}) == 2
    done = {f"q{i}": Ballot(value=1) for i in range(3)}
    assert rules.first_unanswered(s, done) == 4


def test_the_closing_evaluation_template() -> None:
    template = rules.template("abschlussevaluation")
    assert template is not None and rules.template("nope") is None and rules.template(3) is None
    assert len(template.questions) == 5
    assert all(q.kind in rules.SURVEY_KINDS for q in template.questions)
    labelled = [q for q in template.questions if q.kind == "scale"]
    assert all(q.scale_min_label and q.scale_max_label for q in labelled)


def test_retitle_checks_the_title() -> None:
    s = survey()
    assert rules.retitle(s, " Neu ").title == "Neu"
    with pytest.raises(DomainError):
        rules.retitle(s, "")
    assert replace(s, title="Abschluss") == s
