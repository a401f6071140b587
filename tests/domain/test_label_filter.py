"""The API list's ``?label=`` (live/domain/labels.py query_label) and the refusal of a split
(issue 24, panel Q&A): pure rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from live.domain.labels import query_label
from live.domain.models import Event
from live.domain.questions import split_refused_error
from tests.domain.test_questions import assert_domain_error, check

EVENT = Event(
    code="K7M3QX",
    title="Podium",
    created_at=datetime(2026, 11, 21, tzinfo=UTC),
    moderator_token_hash="",
    question_labels=("Frau Özdemir", "Herr Lang"),
)


def test_no_filter_is_every_question() -> None:
    assert query_label(EVENT, None) is None


@pytest.mark.parametrize(
    ("raw", "label"), [("Herr Lang", "Herr Lang"), (" Herr Lang ", "Herr Lang")]
)
def test_a_label_of_the_event_filters(raw: str, label: str) -> None:
    assert query_label(EVENT, raw) == label


@pytest.mark.parametrize("raw", ["", "  ", "herr lang", "Niemand", "Herr  Lang!"])
def test_anything_else_is_refused(raw: str) -> None:
    assert_domain_error("invalid_label", lambda: query_label(EVENT, raw))


def test_the_split_refusal_says_what_to_do() -> None:
    error = check("split_target_merged", split_refused_error())
    assert "zuerst" in error.message
