"""Text polls beyond one answer: up to three answers per participant, words and answers hidden
from the word cloud (live/domain/polls.py, live/domain/words.py), and the projector's own
results setting."""

from dataclasses import replace
from typing import Any

import pytest

from live.domain.models import Ballot, PollState, Results, Tally
from live.domain.polls import (
    MAX_ANSWER_LEN,
    MAX_ANSWERS,
    close_poll,
    hidden_entry,
    make_ballot,
    results,
    results_on_screen,
    set_screen_results,
)
from live.domain.words import count_words, distinct_answers, single_word
from tests.domain.test_polls import LATER, NOW, assert_domain_error, make, opened

# --- max_answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "stored"), [(None, 1), (1, 1), (2, 2), (MAX_ANSWERS, 3)])
def test_text_poll_takes_up_to_three_answers_per_person(given: Any, stored: int) -> None:
    assert make(kind="text", options=[], max_answers=given).max_answers == stored


@pytest.mark.parametrize("given", [0, 4, -1, "2", 2.0, True, [2]])
def test_max_answers_out_of_range_is_refused(given: Any) -> None:
    error = assert_domain_error(
        "invalid_max_answers", lambda: make(kind="text", options=[], max_answers=given)
    )
    assert error.params == {"max": MAX_ANSWERS}


@pytest.mark.parametrize("kind", ["single", "multiple", "scale"])
def test_max_answers_is_one_for_other_kinds_whatever_the_form_sends(kind: str) -> None:
    options = ["A", "B"] if kind != "scale" else []
    assert make(kind=kind, options=options, max_answers=3).max_answers == 1
    assert make(kind=kind, options=options, max_answers="Unsinn").max_answers == 1


@pytest.mark.parametrize(
    ("max_answers", "kwargs", "texts"),
    [
        (1, {"text": "Mehr Personal"}, ("Mehr Personal",)),
        (1, {"texts": ["Mehr Personal"]}, ("Mehr Personal",)),
        (3, {"text": "Mehr Personal"}, ("Mehr Personal",)),
        (3, {"texts": ["Personal", " Zeit ", "Geld"]}, ("Personal", "Zeit", "Geld")),
        (3, {"texts": ("Personal", "Zeit")}, ("Personal", "Zeit")),
        # Empty extra fields are fine, the order stays as typed.
        (3, {"texts": ["", "Zeit", "  "]}, ("Zeit",)),
        # The same answer twice (case-insensitively) is one answer: no double weight.
        (3, {"texts": ["Zeit", "ZEIT", "zeit "]}, ("Zeit",)),
        (2, {"texts": ["x" * MAX_ANSWER_LEN, "y"]}, ("x" * MAX_ANSWER_LEN, "y")),
        # text=None next to texts is "not given" (a JSON client may send both keys).
        (2, {"text": None, "texts": ["a", "b"]}, ("a", "b")),
    ],
)
def test_make_ballot_with_several_answers(
    max_answers: int, kwargs: dict[str, Any], texts: tuple[str, ...]
) -> None:
    poll = opened("text", max_answers=max_answers)
    assert make_ballot(poll, **kwargs) == Ballot(texts=texts)


@pytest.mark.parametrize(
    ("max_answers", "kwargs", "code"),
    [
        (1, {"texts": ["a", "b"]}, "too_many_answers"),
        (3, {"texts": ["a", "b", "c", "d"]}, "too_many_answers"),
        (3, {"texts": ["", "", "", ""]}, "too_many_answers"),
        (3, {"texts": []}, "empty_text"),
        (3, {"texts": ["", " \n "]}, "empty_text"),
        (3, {"texts": ["ok", "x" * (MAX_ANSWER_LEN + 1)]}, "text_too_long"),
        (3, {"texts": ["ok", 5]}, "invalid_text"),
        (3, {"texts": ["ok", None]}, "invalid_text"),
        (3, {"texts": ["ok", ["nested"]]}, "invalid_text"),
        (3, {"texts": "Zeit"}, "invalid_text"),
        (3, {"texts": {"a": "b"}}, "invalid_text"),
        (3, {"texts": 3}, "invalid_text"),
        (3, {"text": "a", "texts": ["b"]}, "invalid_text"),
        (3, {}, "empty_text"),
    ],
)
def test_bad_answers_are_refused(max_answers: int, kwargs: dict[str, Any], code: str) -> None:
    poll = opened("text", max_answers=max_answers)
    assert_domain_error(code, lambda: make_ballot(poll, **kwargs))


def test_texts_is_ignored_for_other_kinds() -> None:
    assert make_ballot(opened("single"), choices=[0], texts=["a"] * 9) == Ballot(choices=(0,))


def test_every_answer_of_a_ballot_counts_in_the_cloud() -> None:
    poll = opened("text", max_answers=3)
    tally = Tally(voters=2, texts=("Personal", "Zeit", "Personal", "Geld"))
    got = results(poll, tally)
    assert got.words == (("Personal", 2), ("Geld", 1), ("Zeit", 1))
    assert (got.voters, got.total) == (2, 4)


# --- hiding words and answers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "entry", "expected"),
    [
        ("word", "Bürokratie", ("word", "bürokratie", "Bürokratie")),
        ("word", "  STRASSE ", ("word", "strasse", "STRASSE")),
        ("word", "Straße", ("word", "strasse", "Straße")),
        ("word", "E-Mail", ("word", "e-mail", "E-Mail")),
        ("answer", " Zu viel\n Bürokratie", ("answer", "zu viel bürokratie", "Zu viel Bürokratie")),
        ("answer", "!!!", ("answer", "!!!", "!!!")),
    ],
)
def test_hidden_entry(kind: str, entry: str, expected: tuple[str, str, str]) -> None:
    assert hidden_entry(opened("text"), kind, entry) == expected


@pytest.mark.parametrize(
    ("kind", "entry", "code"),
    [
        ("word", "zwei Wörter", "invalid_word"),
        ("word", "Bürokratie!", "invalid_word"),
        ("word", "", "empty_entry"),
        ("answer", "  \u202e ", "empty_entry"),
        ("answer", None, "empty_entry"),
        ("answer", ["x"], "empty_entry"),
        ("answer", "x" * (MAX_ANSWER_LEN + 1), "entry_too_long"),
        ("sentence", "x", "invalid_hidden_kind"),
        (None, "x", "invalid_hidden_kind"),
    ],
)
def test_hidden_entry_refuses(kind: Any, entry: Any, code: str) -> None:
    assert_domain_error(code, lambda: hidden_entry(opened("text"), kind, entry))


@pytest.mark.parametrize("poll_kind", ["single", "multiple", "scale"])
def test_only_text_polls_hide_entries(poll_kind: str) -> None:
    assert_domain_error(
        "not_a_text_poll", lambda: hidden_entry(opened(poll_kind), "word", "Bürokratie")
    )


TEXTS = (
    "Zu viel Bürokratie",
    "Bürokratie abbauen",
    "Idioten überall",
    "mehr Personal",
    "zu VIEL bürokratie",
)


@pytest.mark.parametrize(
    ("hidden_words", "hidden_answers", "words", "total"),
    [
        (
            (),
            (),
            (("Bürokratie", 3), ("abbauen", 1), ("Idioten", 1), ("Personal", 1), ("überall", 1)),
            5,
        ),
        # A hidden word is compared case-folded and no longer counts at all.
        (
            ("BÜROKRATIE",),
            (),
            (("abbauen", 1), ("Idioten", 1), ("Personal", 1), ("überall", 1)),
            5,
        ),
        # A hidden answer adds no word; every answer equal to it case-folded goes with it.
        (
            (),
            ("zu viel Bürokratie",),
            (("abbauen", 1), ("Bürokratie", 1), ("Idioten", 1), ("Personal", 1), ("überall", 1)),
            3,
        ),
        (
            ("Bürokratie",),
            ("Idioten überall",),
            (("abbauen", 1), ("Personal", 1)),
            4,
        ),
    ],
)
def test_results_leave_hidden_entries_out(
    hidden_words: tuple[str, ...],
    hidden_answers: tuple[str, ...],
    words: tuple[tuple[str, int], ...],
    total: int,
) -> None:
    poll = replace(opened("text"), hidden_words=hidden_words, hidden_answers=hidden_answers)
    got = results(poll, Tally(voters=5, texts=TEXTS))
    assert got.words == words
    assert got.total == total
    assert got.voters == 5  # people who answered, whatever was hidden
    hidden = {a.casefold() for a in hidden_answers}
    assert all(answer.casefold() not in hidden for answer, _ in got.answers)


def test_results_list_the_distinct_answers_for_moderators() -> None:
    got = results(opened("text"), Tally(voters=5, texts=TEXTS))
    assert got.answers == (
        ("Zu viel Bürokratie", 2),  # given twice: first; spelling tie: the first seen
        ("mehr Personal", 1),  # then the newest
        ("Idioten überall", 1),
        ("Bürokratie abbauen", 1),
    )
    assert results(opened("text"), Tally()) == Results(
        counts=(), voters=0, percents=(), words=(), total=0, answers=()
    )


@pytest.mark.parametrize(
    ("texts", "limit", "expected"),
    [
        ((), 50, ()),
        (("a", "b", "a"), 50, (("a", 2), ("b", 1))),
        (("a", "b", "c"), 2, (("c", 1), ("b", 1))),
        (("Ja", "ja", "ja"), 50, (("ja", 3),)),
        (("a",), 0, ()),
    ],
)
def test_distinct_answers(
    texts: tuple[str, ...], limit: int, expected: tuple[tuple[str, int], ...]
) -> None:
    assert distinct_answers(texts, limit=limit) == expected


def test_count_words_skips_hidden_words_before_the_limit() -> None:
    texts = ["Alpha Beta Gamma", "Alpha Beta", "Alpha"]
    # The hidden word does not take a row: the limit counts what is shown.
    assert count_words(texts, limit=2, hidden=frozenset({"alpha"})) == (
        ("Beta", 2),
        ("Gamma", 1),
    )


@pytest.mark.parametrize(
    ("text", "word"),
    [("Wort", "Wort"), ("  Job-Center ", "Job-Center"), ("5G", "5G"), ("zwei Worte", None)],
)
def test_single_word(text: str, word: str | None) -> None:
    assert single_word(text) == word


# --- the projector's results ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("screen_results", "visibility", "state", "shown"),
    [
        # Live by default, whatever the phones' setting says.
        ("live", "after_vote", "open", True),
        ("live", "after_close", "open", True),
        ("live", "live", "draft", True),
        ("after_close", "live", "open", False),
        ("after_close", "after_vote", "open", False),
        ("after_close", "live", "draft", False),
        # A closed poll always shows its result.
        ("after_close", "after_close", "closed", True),
        ("live", "after_close", "closed", True),
    ],
)
def test_results_on_screen_follow_only_the_screen_setting(
    screen_results: str, visibility: str, state: PollState, shown: bool
) -> None:
    poll = replace(make(visibility=visibility, screen_results=screen_results), state=state)
    assert results_on_screen(poll) is shown


def test_new_polls_show_results_on_screen_live() -> None:
    assert make().screen_results == "live"
    assert make(screen_results="after_close").screen_results == "after_close"


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_set_screen_results(state: PollState) -> None:
    poll = replace(make(), state=state)
    changed = set_screen_results(poll, "after_close")
    assert changed == replace(poll, screen_results="after_close")
    assert set_screen_results(changed, "live") == poll


@pytest.mark.parametrize("value", ["", "Live", "after_vote", None, 1, ["live"]])
def test_screen_results_reject(value: Any) -> None:
    assert_domain_error("invalid_screen_results", lambda: set_screen_results(make(), value))
    assert_domain_error("invalid_screen_results", lambda: make(screen_results=value))


def test_closing_keeps_the_screen_setting() -> None:
    poll = opened("single", screen_results="after_close")
    assert close_poll(poll, LATER).screen_results == "after_close"
    assert poll.opened_at == NOW
