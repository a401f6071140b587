"""The idea board's rules (live/domain/ideas.py): text, approval and the blocklist, the states a
moderator sets, the mark, upvotes, who sees what, the order and the projector's choice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from live.domain import ideas
from live.domain.errors import DomainError
from live.domain.models import Event, Idea, IdeaState, Room
from live.domain.screen import screen_content

NOW = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
EVENT = Event(code="K7M3QX", title="Fachtag", created_at=NOW, moderator_token_hash="0" * 64)
OPEN = replace(EVENT, questions_need_approval=False)
WRONG_TYPES: list[Any] = [None, 0, 42, 1.5, True, [], ["Idee"], {}, b"x"]


def post(event: Event = OPEN, text: object = "Mehr Pausen zwischen den Foren") -> Idea:
    return ideas.new_idea(
        idea_id="i1", event=event, room_id="r1", participant_id="alice", text=text, now=NOW
    )


def idea(
    idea_id: str,
    state: IdeaState = "approved",
    upvotes: int = 0,
    minute: int = 0,
    marked: bool = False,
) -> Idea:
    return Idea(
        id=idea_id,
        event_code="K7M3QX",
        room_id="r1",
        participant_id="alice" if idea_id.startswith("a") else "bob",
        text=f"Idee {idea_id}",
        state=state,
        created_at=NOW + timedelta(minutes=minute),
        upvotes=upvotes,
        marked=marked,
    )


def test_a_new_idea_is_cleaned_and_approved_without_approval() -> None:
    got = post(text="  Mehr \t  Pausen ")
    assert (got.text, got.state, got.upvotes, got.marked) == ("Mehr Pausen", "approved", 0, False)
    assert (got.id, got.room_id, got.participant_id, got.created_at) == ("i1", "r1", "alice", NOW)


def test_the_events_approval_setting_holds_new_ideas() -> None:
    assert post(EVENT).state == "pending"  # questions_need_approval is on by default


def test_a_blocklisted_word_holds_the_idea_for_moderation() -> None:
    assert post(text="Der Referent ist ein Idiot").state == "pending"
    assert post(text="Ein Marsch durch die Stadt").state == "approved"


@pytest.mark.parametrize("text", ["", "   ", *WRONG_TYPES])
def test_empty_or_no_text_is_refused(text: object) -> None:
    with pytest.raises(DomainError) as err:
        post(text=text)
    assert err.value.code == "empty_idea"


def test_the_text_is_at_most_280_characters() -> None:
    assert len(post(text="x" * ideas.MAX_IDEA_TEXT).text) == 280
    with pytest.raises(DomainError) as err:
        post(text="x" * 281)
    assert (err.value.code, err.value.params) == ("idea_too_long", {"max": 280})


@pytest.mark.parametrize("state", ["approved", "hidden"])
def test_moderators_approve_and_hide(state: str) -> None:
    assert ideas.target_state(state) == state


@pytest.mark.parametrize("state", ["pending", "answered", "APPROVED", "", *WRONG_TYPES])
def test_other_target_states_are_refused(state: object) -> None:
    with pytest.raises(DomainError) as err:
        ideas.target_state(state)
    assert err.value.code == "invalid_state"


def test_undo_may_return_an_idea_to_pending() -> None:
    assert ideas.restore_state("pending") == "pending"
    with pytest.raises(DomainError):
        ideas.restore_state("archived")


@pytest.mark.parametrize("value", [0, 1, "true", None, [], "false"])
def test_the_mark_is_a_boolean(value: object) -> None:
    with pytest.raises(DomainError) as err:
        ideas.check_marked(value)
    assert err.value.code == "invalid_marked"
    assert ideas.check_marked(True) is True and ideas.check_marked(False) is False


def test_refusals_name_their_reason() -> None:
    assert ideas.closed_error().code == "ideas_closed"
    assert ideas.mark_closed_error().code == "idea_not_approved"
    full = ideas.marked_full_error()
    assert (full.code, full.params) == ("too_many_marked", {"max": 10})
    assert ideas.upvote_closed_error("pending").code == "idea_closed"
    assert (
        ideas.upvote_closed_error("pending").message != ideas.upvote_closed_error("hidden").message
    )


def test_only_approved_ideas_take_upvotes() -> None:
    assert ideas.can_upvote(idea("x"))
    assert not ideas.can_upvote(idea("x", "pending"))
    assert not ideas.can_upvote(idea("x", "hidden"))


def test_who_sees_which_idea() -> None:
    pending, hidden = idea("a1", "pending"), idea("a2", "hidden")
    assert ideas.visible_to(idea("b1"), participant_id=None, moderator=False)
    assert ideas.visible_to(pending, participant_id="alice", moderator=False)
    assert not ideas.visible_to(pending, participant_id="bob", moderator=False)
    assert not ideas.visible_to(pending, participant_id=None, moderator=False)
    assert not ideas.visible_to(hidden, participant_id="alice", moderator=False)
    assert ideas.visible_to(hidden, participant_id=None, moderator=True)


def test_marked_first_then_by_votes_then_oldest() -> None:
    given = [
        idea("b1", upvotes=1, minute=0),
        idea("b2", upvotes=5, minute=1),
        idea("b3", upvotes=1, minute=2, marked=True),
        idea("b4", upvotes=5, minute=0),
        idea("b5", upvotes=9, minute=3, marked=True),
    ]
    assert [i.id for i in ideas.ordered(given)] == ["b5", "b3", "b4", "b2", "b1"]
    assert ideas.marked_count(given) == 2


def test_the_projector_shows_the_marked_ideas_else_the_top_five() -> None:
    many = [idea(f"b{n}", upvotes=n, minute=n) for n in range(8)]
    shown, marked = ideas.on_screen([*many, idea("p", "pending", upvotes=99)])
    assert [i.id for i in shown] == ["b7", "b6", "b5", "b4", "b3"] and not marked
    with_marks = [*many, idea("m1", upvotes=0, marked=True), idea("m2", upvotes=3, marked=True)]
    shown, marked = ideas.on_screen(with_marks)
    assert [i.id for i in shown] == ["m2", "m1"] and marked
    assert ideas.on_screen([]) == ([], False)


def test_the_projectors_ideas_mode() -> None:
    room = Room("r1", "K7M3QX", "Forum 1", 0, screen_mode="ideas")
    assert screen_content(room, (), ()).shows == "join"  # nothing approved yet
    assert screen_content(room, (), (), [idea("p", "pending")]).shows == "join"
    content = screen_content(room, (), (), [idea("b1", upvotes=2), idea("b2", marked=True)])
    assert (content.shows, [i.id for i in content.ideas], content.ideas_marked) == (
        "ideas",
        ["b2"],
        True,
    )
    # Other modes ignore the ideas.
    auto = replace(room, screen_mode="auto")
    assert screen_content(auto, (), (), [idea("b1")]).shows == "join"
