"""Paging rules for the Q&A lists and the API's cursor (live/domain/qa_paging.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from live.domain import qa_paging
from live.domain.errors import DomainError
from live.domain.models import Question
from live.domain.questions import ordered

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def q(n: int, upvotes: int = 0, seconds: int | None = None) -> Question:
    return Question(
        id=f"q{n:03d}",
        event_code="E",
        room_id="r",
        participant_id="p",
        text="?",
        name=None,
        state="approved",
        created_at=T0 + timedelta(seconds=n if seconds is None else seconds),
        answer=None,
        upvotes=upvotes,
    )


@pytest.mark.parametrize(
    ("query", "pages"),
    [
        ({}, ()),
        ({"qa_approved": "2"}, (("approved", 2),)),
        ({"qa_approved": "1"}, ()),
        ({"qa_approved": "0"}, ()),
        ({"qa_approved": "-2"}, ()),
        ({"qa_approved": "zwei"}, ()),
        ({"qa_approved": "²"}, ()),  # a digit to str.isdigit, not a number
        ({"qa_other": "3", "qa_pending": "4"}, (("pending", 4),)),
    ],
)
def test_pages_come_from_the_query_and_nonsense_is_the_first_page(
    query: dict[str, str], pages: qa_paging.Pages
) -> None:
    assert qa_paging.parse_pages(query, qa_paging.MODERATOR_LISTS) == pages


def test_a_page_past_the_end_is_the_last_page() -> None:
    items = [q(n) for n in range(25)]
    shown = qa_paging.page(items, 9, 10)
    assert (shown.number, shown.last, len(shown.items)) == (3, 3, 5)
    assert shown.has_previous and not shown.has_next
    assert qa_paging.page([], 4, 10).number == 1


def test_cursor_pages_hold_every_question_once_with_ties_everywhere() -> None:
    # Equal upvotes and equal timestamps: the id settles every tie.
    items = [q(n, upvotes=n % 3, seconds=n % 4) for n in range(57)]
    seen: list[str] = []
    cursor = None
    while True:
        found = qa_paging.cursor_page(items, "votes", 10, cursor)
        seen.extend(x.id for x in found.items)
        cursor = found.next_cursor
        if cursor is None:
            break
    assert seen == [x.id for x in ordered(items, "votes")]
    assert len(set(seen)) == 57


@pytest.mark.parametrize("raw", ["0", "501", "1.5", "", " 5", "abc"])
def test_a_bad_limit_is_refused(raw: str) -> None:
    with pytest.raises(DomainError) as caught:
        qa_paging.parse_limit(raw)
    assert caught.value.code == "invalid_limit"


def test_a_cursor_of_another_sort_or_garbage_is_refused() -> None:
    good = qa_paging.encode_cursor("votes", (0, 1, "x"))
    assert qa_paging.decode_cursor(good, "votes") == (0, 1, "x")
    for bad in (good, "%%%", "e30", ""):
        with pytest.raises(DomainError):
            qa_paging.decode_cursor(bad, "newest" if bad == good else "votes")
