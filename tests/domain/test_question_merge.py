"""Merging duplicate questions (issue 24): which merges the store should make, which are
refused, and who sees the merged question as their own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from live.domain.questions import (
    can_delete,
    can_upvote,
    check_merge,
    is_own,
    merge_refused_error,
    visible_to,
)
from tests.domain.test_questions import assert_domain_error, check, q


def test_a_fresh_merge_is_made_and_a_repeat_is_not() -> None:
    target, source = q("a1"), q("b1")
    assert check_merge(target, source) is True
    assert check_merge(target, replace(source, merged_into="a1")) is False


@pytest.mark.parametrize(
    ("target", "source", "code"),
    [
        (q("a1"), q("a1"), "merge_self"),
        (q("a1"), replace(q("b1"), room_id="r2"), "merge_other_room"),
        (q("a1"), replace(q("b1"), merged_into="c1"), "already_merged"),
        (replace(q("a1"), merged_into="c1"), q("b1"), "already_merged"),
    ],
)
def test_refused_merges(target: object, source: object, code: str) -> None:
    assert_domain_error(code, lambda: check_merge(target, source))  # type: ignore[arg-type]


@pytest.mark.parametrize("reason", ["self", "other_room", "merged"])
def test_the_stores_reasons_have_their_own_wording(reason: str) -> None:
    codes = {"self": "merge_self", "other_room": "merge_other_room", "merged": "already_merged"}
    check(codes[reason], merge_refused_error(reason))


def test_co_authors_see_it_as_theirs_but_only_the_author_deletes() -> None:
    merged = replace(q("a1"), co_authors=("bob", "carol"))
    assert [is_own(merged, p) for p in ("alice", "bob", "carol", "dave", None, "")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert can_delete(merged, "alice") and not can_delete(merged, "bob")
    pending = replace(merged, state="pending")
    assert visible_to(pending, participant_id="carol", moderator=False)
    assert not visible_to(pending, participant_id="dave", moderator=False)


def test_a_merged_question_takes_no_upvotes() -> None:
    assert can_upvote(q("b1")) and not can_upvote(replace(q("b1"), merged_into="a1"))
