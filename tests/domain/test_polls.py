import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest

from live.domain.errors import DomainError
from live.domain.models import Ballot, Poll, PollState, Results, Tally
from live.domain.polls import (
    MAX_ANSWER_LEN,
    MAX_OPTION_LEN,
    MAX_OPTIONS,
    MAX_QUESTION_LEN,
    close_poll,
    largest_remainder,
    make_ballot,
    new_poll,
    open_poll,
    results,
    results_visible,
    scale_values,
    set_joined_before_only,
    set_visibility,
    share_percents,
)

NOW = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
ZWJ_EMOJI = "👩\u200d💻"


def make(**overrides: Any) -> Poll:
    args: dict[str, Any] = {
        "poll_id": "p1",
        "event_code": "K7M3QX",
        "room_id": "r1",
        "question": "Wie zufrieden sind Sie?",
        "kind": "single",
        "options": ["Ja", "Nein"],
        "scale_min": None,
        "scale_max": None,
        "visibility": "live",
        "now": NOW,
    }
    args.update(overrides)
    return new_poll(**args)


def opened(kind: str, **overrides: Any) -> Poll:
    options = ["Rot", "Grün", "Blau"] if kind in ("single", "multiple") else []
    return open_poll(make(kind=kind, options=options, **overrides), NOW)


def assert_domain_error(code: str, call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    error = info.value
    assert error.code == code
    # The web layer formats ``message % params``; that must work for every error.
    formatted = error.message % error.params
    assert formatted and "%" not in formatted
    return error


# --- new_poll -------------------------------------------------------------------------------


def test_new_poll_single() -> None:
    poll = make(question="  Wie  geht\nes Ihnen? ", options=[" Gut ", "Schlecht\t"])
    assert poll == Poll(
        id="p1",
        event_code="K7M3QX",
        room_id="r1",
        question="Wie geht es Ihnen?",
        kind="single",
        options=("Gut", "Schlecht"),
        scale_min=None,
        scale_max=None,
        state="draft",
        visibility="live",
        created_at=NOW,
    )


def test_new_poll_keeps_option_order_and_accepts_tuple() -> None:
    poll = make(kind="multiple", options=("C", "A", "B"), visibility="after_close")
    assert poll.options == ("C", "A", "B")
    assert poll.kind == "multiple"
    assert poll.visibility == "after_close"


@pytest.mark.parametrize(
    ("scale_min", "scale_max", "expected"),
    [
        (None, None, (1, 5)),
        (None, 10, (1, 10)),
        (0, None, (0, 5)),
        (1, 2, (1, 2)),
        (0, 10, (0, 10)),
        (-10, 0, (-10, 0)),
        (-5, 5, (-5, 5)),
        (-2, 2, (-2, 2)),
    ],
)
def test_new_poll_scale(scale_min: Any, scale_max: Any, expected: tuple[int, int]) -> None:
    poll = make(kind="scale", options=["ignored"], scale_min=scale_min, scale_max=scale_max)
    assert (poll.scale_min, poll.scale_max) == expected
    assert poll.options == ()


def test_new_poll_text_stores_no_options_or_scale() -> None:
    poll = make(kind="text", options=["x", "y"], scale_min=1, scale_max=3)
    assert (poll.options, poll.scale_min, poll.scale_max) == ((), None, None)


def test_new_poll_limits_are_inclusive() -> None:
    options = [f"Option {i}" for i in range(MAX_OPTIONS)]
    options[0] = "o" * MAX_OPTION_LEN
    poll = make(question="q" * MAX_QUESTION_LEN, options=options)
    assert len(poll.question) == MAX_QUESTION_LEN
    assert len(poll.options) == MAX_OPTIONS
    # Length is measured after cleaning: collapsed whitespace does not count.
    assert make(question="q  " * 150).question == ("q " * 150).strip()


def test_new_poll_cleans_hostile_text() -> None:
    poll = make(question="Frage\u202e?\x00", options=[f"Ja {ZWJ_EMOJI}", "Nein\u2066"])
    assert poll.question == "Frage?"
    assert poll.options == (f"Ja {ZWJ_EMOJI}", "Nein")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"question": ""}, "empty_question"),
        ({"question": " \n\t "}, "empty_question"),
        ({"question": "\u202e\x00\u2069"}, "empty_question"),
        ({"question": None}, "empty_question"),
        ({"question": 42}, "empty_question"),
        ({"question": ["Frage"]}, "empty_question"),
        ({"question": "q" * (MAX_QUESTION_LEN + 1)}, "question_too_long"),
        ({"question": "q" * 10_000}, "question_too_long"),
        ({"kind": "Single"}, "invalid_kind"),
        ({"kind": ""}, "invalid_kind"),
        ({"kind": "rank"}, "invalid_kind"),
        ({"kind": None}, "invalid_kind"),
        ({"kind": ["single"]}, "invalid_kind"),
        ({"options": []}, "too_few_options"),
        ({"options": ["Ja"]}, "too_few_options"),
        ({"kind": "multiple", "options": ["Ja"]}, "too_few_options"),
        ({"options": [f"o{i}" for i in range(MAX_OPTIONS + 1)]}, "too_many_options"),
        ({"options": ["x"] * 10_000}, "too_many_options"),
        ({"options": ["Ja", ""]}, "invalid_option"),
        ({"options": ["Ja", " \n "]}, "invalid_option"),
        ({"options": ["Ja", "\u202e"]}, "invalid_option"),
        ({"options": ["Ja", "o" * (MAX_OPTION_LEN + 1)]}, "invalid_option"),
        ({"options": ["Ja", "o" * 10_000]}, "invalid_option"),
        ({"options": ["Ja", None]}, "invalid_option"),
        ({"options": ["Ja", 1]}, "invalid_option"),
        ({"options": ["Ja", ["Nein"]]}, "invalid_option"),
        ({"options": "Ja,Nein"}, "invalid_option"),
        ({"options": None}, "invalid_option"),
        ({"options": {"Ja": 1, "Nein": 2}}, "invalid_option"),
        ({"options": ["Ja", "ja"]}, "duplicate_option"),
        ({"options": ["Ja", " Ja\n"]}, "duplicate_option"),
        ({"options": ["Nein", "Ja", "JA"]}, "duplicate_option"),
        ({"options": ["Straße", "STRASSE"]}, "duplicate_option"),
        ({"options": ["Bu\u0308ro", "Büro"]}, "duplicate_option"),
        ({"kind": "scale", "scale_min": 1, "scale_max": 1}, "invalid_scale"),
        ({"kind": "scale", "scale_min": 5, "scale_max": 1}, "invalid_scale"),
        ({"kind": "scale", "scale_min": -11, "scale_max": -5}, "invalid_scale"),
        ({"kind": "scale", "scale_min": 5, "scale_max": 11}, "invalid_scale"),
        ({"kind": "scale", "scale_min": -10, "scale_max": 10}, "invalid_scale"),
        ({"kind": "scale", "scale_min": 0, "scale_max": 11}, "invalid_scale"),
        ({"kind": "scale", "scale_min": 6, "scale_max": None}, "invalid_scale"),
        ({"kind": "scale", "scale_min": None, "scale_max": 0}, "invalid_scale"),
        ({"kind": "scale", "scale_min": True, "scale_max": 5}, "invalid_scale"),
        ({"kind": "scale", "scale_min": "1", "scale_max": 5}, "invalid_scale"),
        ({"kind": "scale", "scale_min": 1.0, "scale_max": 5}, "invalid_scale"),
        ({"kind": "scale", "scale_min": 1, "scale_max": 10**100}, "invalid_scale"),
        ({"kind": "scale", "scale_min": [1], "scale_max": 5}, "invalid_scale"),
        ({"visibility": "LIVE"}, "invalid_visibility"),
        ({"visibility": "never"}, "invalid_visibility"),
        ({"visibility": None}, "invalid_visibility"),
        ({"visibility": ""}, "invalid_visibility"),
    ],
)
def test_new_poll_errors(overrides: dict[str, Any], code: str) -> None:
    assert_domain_error(code, lambda: make(**overrides))


def test_error_params_name_the_limits() -> None:
    error = assert_domain_error("question_too_long", lambda: make(question="q" * 301))
    assert error.params == {"max": MAX_QUESTION_LEN}
    assert "300" in error.message % error.params
    error = assert_domain_error("too_many_options", lambda: make(options=list("abcdefghijklm")))
    assert error.params == {"max": MAX_OPTIONS}
    error = assert_domain_error(
        "invalid_scale", lambda: make(kind="scale", scale_min=0, scale_max=0)
    )
    assert (
        error.message % error.params == "Die Skala muss 2 bis 11 Werte zwischen -10 und 10 haben."
    )


# --- life cycle -----------------------------------------------------------------------------


def test_open_close_reopen() -> None:
    draft = make()
    first = open_poll(draft, NOW)
    assert (first.state, first.opened_at, first.closed_at) == ("open", NOW, None)
    assert draft.state == "draft"  # frozen: the input is untouched
    assert open_poll(first, LATER) is first  # a second click does not restart the poll

    closed = close_poll(first, LATER)
    assert (closed.state, closed.opened_at, closed.closed_at) == ("closed", NOW, LATER)
    assert close_poll(closed, LATER + timedelta(hours=1)) is closed

    later_still = LATER + timedelta(minutes=1)
    reopened = open_poll(closed, later_still)
    assert (reopened.state, reopened.opened_at, reopened.closed_at) == ("open", later_still, None)


def test_close_draft_is_an_error() -> None:
    assert_domain_error("poll_not_open", lambda: close_poll(make(), NOW))


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
@pytest.mark.parametrize("visibility", ["live", "after_vote", "after_close"])
def test_set_visibility(state: PollState, visibility: str) -> None:
    poll = replace(make(), state=state)
    changed = set_visibility(poll, visibility)
    assert changed.visibility == visibility
    assert replace(changed, visibility=poll.visibility) == poll


@pytest.mark.parametrize("visibility", ["", "Live", "always", None, 1, ["live"]])
def test_set_visibility_rejects(visibility: Any) -> None:
    assert_domain_error("invalid_visibility", lambda: set_visibility(make(), visibility))


@pytest.mark.parametrize(
    ("kind", "scale_min", "scale_max", "expected"),
    [
        ("scale", None, None, (1, 2, 3, 4, 5)),
        ("scale", -2, 2, (-2, -1, 0, 1, 2)),
        ("scale", 0, 10, tuple(range(11))),
        ("single", None, None, ()),
        ("text", None, None, ()),
    ],
)
def test_scale_values(kind: str, scale_min: Any, scale_max: Any, expected: tuple[int, ...]) -> None:
    assert scale_values(make(kind=kind, scale_min=scale_min, scale_max=scale_max)) == expected


# --- ballots --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "kwargs", "expected"),
    [
        ("single", {"choices": [1]}, Ballot(choices=(1,))),
        ("single", {"choices": (0,)}, Ballot(choices=(0,))),
        ("single", {"choices": [2], "value": "ignored", "text": 5}, Ballot(choices=(2,))),
        ("multiple", {"choices": [2, 0]}, Ballot(choices=(0, 2))),
        ("multiple", {"choices": [1]}, Ballot(choices=(1,))),
        ("multiple", {"choices": [2, 1, 0]}, Ballot(choices=(0, 1, 2))),
        ("scale", {"value": 1}, Ballot(value=1)),
        ("scale", {"value": 5}, Ballot(value=5)),
        ("text", {"text": "  Mehr\n\nPersonal "}, Ballot(texts=("Mehr Personal",))),
        ("text", {"text": "x" * MAX_ANSWER_LEN}, Ballot(texts=("x" * MAX_ANSWER_LEN,))),
        ("text", {"text": f"Team {ZWJ_EMOJI}"}, Ballot(texts=(f"Team {ZWJ_EMOJI}",))),
        ("text", {"text": "abc\u202eexe.txt\x07"}, Ballot(texts=("abcexe.txt",))),
    ],
)
def test_make_ballot(kind: str, kwargs: dict[str, Any], expected: Ballot) -> None:
    assert make_ballot(opened(kind), **kwargs) == expected


def test_make_ballot_on_negative_scale() -> None:
    poll = opened("scale", scale_min=-3, scale_max=3)
    assert make_ballot(poll, value=-3) == Ballot(value=-3)
    assert_domain_error("invalid_value", lambda: make_ballot(poll, value=4))


@pytest.mark.parametrize("kind", ["single", "multiple", "scale", "text"])
def test_make_ballot_requires_open_poll(kind: str) -> None:
    draft = make(kind=kind, options=["A", "B"])
    closed = close_poll(open_poll(draft, NOW), LATER)
    valid = {"choices": [0], "value": 3, "text": "Hallo"}
    assert_domain_error("poll_not_open", lambda: make_ballot(draft, **valid))
    error = assert_domain_error("poll_closed", lambda: make_ballot(closed, **valid))
    assert error.message == "Diese Abstimmung ist bereits beendet."


BAD_CHOICES: list[Any] = [
    None,
    [],
    (),
    0,
    "0",
    "[0]",
    {"0": True},
    {0},
    [True],
    [False],
    ["0"],
    [0.0],
    [None],
    [[0]],
    [[0, 1]],
    [{"index": 0}],
    [3],
    [-1],
    [10**100],
    [-(10**100)],
]


@pytest.mark.parametrize("choices", [*BAD_CHOICES, [0, 1], [0, 0], [1, 2, 0]])
def test_single_choice_errors(choices: Any) -> None:
    assert_domain_error("invalid_choice", lambda: make_ballot(opened("single"), choices=choices))


@pytest.mark.parametrize("choices", [*BAD_CHOICES, [0, 0], [2, 1, 2], [0, 1, 2, 0], [0] * 10_000])
def test_multiple_choice_errors(choices: Any) -> None:
    assert_domain_error("invalid_choice", lambda: make_ballot(opened("multiple"), choices=choices))


@pytest.mark.parametrize(
    "value", [None, True, False, "3", 3.0, 0, 6, -1, 10**100, -(10**100), [3], {"value": 3}]
)
def test_scale_value_errors(value: Any) -> None:
    error = assert_domain_error("invalid_value", lambda: make_ballot(opened("scale"), value=value))
    assert error.params == {"min": 1, "max": 5}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (None, "empty_text"),
        ("", "empty_text"),
        ("  \n\t ", "empty_text"),
        ("\u202e\x00\u2066", "empty_text"),
        (42, "empty_text"),
        (["Antwort"], "empty_text"),
        (b"Antwort", "empty_text"),
        ("x" * (MAX_ANSWER_LEN + 1), "text_too_long"),
        ("x" * 10_000, "text_too_long"),
        ("Ä" * 10_000, "text_too_long"),
    ],
)
def test_text_errors(text: Any, code: str) -> None:
    assert_domain_error(code, lambda: make_ballot(opened("text"), text=text))


HOSTILE: list[Any] = [
    None,
    True,
    1.5,
    float("nan"),
    10**100,
    "",
    "x" * 10_000,
    "\u202e",
    b"bytes",
    [],
    [None],
    [[[]]],
    [True, 1],
    {},
    {"a": [1]},
    object(),
]


@pytest.mark.parametrize("kind", ["single", "multiple", "scale", "text"])
@pytest.mark.parametrize("field", ["choices", "value", "text"])
def test_hostile_input_only_raises_domain_error(kind: str, field: str) -> None:
    poll = opened(kind)
    # None of these is a valid vote for any kind, and none may escape as TypeError & co.
    for hostile in HOSTILE:
        with pytest.raises(DomainError):
            make_ballot(poll, **{field: hostile})


# --- percentages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([], ()),
        ([0], (0,)),
        ([0, 0, 0], (0, 0, 0)),
        ([5], (100,)),
        ([0, 3], (0, 100)),
        ([1, 1], (50, 50)),
        ([1, 1, 1], (34, 33, 33)),
        ([1, 2], (33, 67)),
        ([2, 1], (67, 33)),
        ([1, 1, 1, 1, 1, 1, 1], (15, 15, 14, 14, 14, 14, 14)),
        ([2, 2, 2, 3], (22, 22, 22, 34)),
        ([3, 3, 3, 1], (30, 30, 30, 10)),
        ([1, 0, 0], (100, 0, 0)),
        ([1] * 200, (1,) * 100 + (0,) * 100),
        ([10**30, 1], (100, 0)),
    ],
)
def test_largest_remainder_examples(counts: list[int], expected: tuple[int, ...]) -> None:
    assert largest_remainder(counts) == expected


@pytest.mark.parametrize("seed", range(25))
def test_largest_remainder_properties(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        size = rng.randint(1, 15)
        top = rng.choice([1, 3, 10, 1000, 10**6])
        counts = [rng.randint(0, top) for _ in range(size)]
        percents = largest_remainder(counts)
        total = sum(counts)
        assert len(percents) == size
        if total == 0:
            assert percents == (0,) * size
            continue
        assert sum(percents) == 100
        for count, percent in zip(counts, percents, strict=True):
            exact = Fraction(count * 100, total)
            assert exact - 1 < percent < exact + 1  # floor or ceiling of the exact share
            if count == 0:
                assert percent == 0
        # More votes never show a smaller percentage.
        for i in range(size):
            for j in range(size):
                if counts[i] > counts[j]:
                    assert percents[i] >= percents[j]


def test_largest_remainder_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        largest_remainder([3, -1])


@pytest.mark.parametrize(
    ("counts", "voters", "expected"),
    [
        ([], 4, ()),
        ([1, 1, 0], 2, (50, 50, 0)),
        ([1, 2, 3], 3, (33, 67, 100)),
        ([1], 8, (13,)),  # 12.5 rounds up
        ([3, 1], 200, (2, 1)),  # 1.5 → 2, 0.5 → 1
        ([1], 3, (33,)),
        ([2, 2], 2, (100, 100)),
        ([0, 0], 0, (0, 0)),
        ([1], 0, (0,)),
    ],
)
def test_share_percents(counts: list[int], voters: int, expected: tuple[int, ...]) -> None:
    assert share_percents(counts, voters) == expected


# --- results --------------------------------------------------------------------------------


def test_results_single() -> None:
    poll = opened("single")
    assert results(poll, Tally(counts=(1, 1, 1), voters=3)) == Results(
        counts=(1, 1, 1), voters=3, percents=(34, 33, 33), total=3
    )


def test_results_multiple_uses_share_of_voters() -> None:
    poll = opened("multiple")
    assert results(poll, Tally(counts=(2, 1, 0), voters=2)) == Results(
        counts=(2, 1, 0), voters=2, percents=(100, 50, 0), total=3
    )


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_results_before_first_vote(kind: str) -> None:
    assert results(opened(kind), Tally()) == Results(
        counts=(0, 0, 0), voters=0, percents=(0, 0, 0), total=0
    )


@pytest.mark.parametrize(
    ("scale", "counts", "average"),
    [
        ((1, 5), (0, 0, 0, 0, 0), None),
        ((1, 5), (1, 0, 0, 0, 1), 3.0),
        ((1, 5), (1, 1, 0, 0, 0), 1.5),
        ((1, 5), (0, 1, 0, 0, 2), 4.0),
        ((1, 5), (0, 7, 1, 0, 0), 2.13),  # 2.125 rounds half up, not to even
        ((-3, 3), (1, 7, 0, 0, 0, 0, 0), -2.13),  # and mirrors for negatives
        ((0, 1), (2, 1), 0.33),
        ((0, 1), (1, 2), 0.67),
        ((-2, 2), (1, 0, 0, 0, 1), 0.0),
        ((0, 10), (0,) * 10 + (3,), 10.0),
    ],
)
def test_results_scale_average(
    scale: tuple[int, int], counts: tuple[int, ...], average: float | None
) -> None:
    poll = opened("scale", scale_min=scale[0], scale_max=scale[1])
    result = results(poll, Tally(counts=counts, voters=sum(counts)))
    assert result.average == average
    assert result.counts == counts
    assert result.total == sum(counts)
    assert result.percents == largest_remainder(counts)
    assert result.words is None


def test_results_scale_empty_tally() -> None:
    result = results(opened("scale"), Tally())
    assert result == Results(counts=(0,) * 5, voters=0, percents=(0,) * 5, average=None, total=0)


def test_results_text() -> None:
    tally = Tally(voters=3, texts=("Mehr Personal", "mehr Zeit", "Personal!"))
    assert results(opened("text"), tally) == Results(
        counts=(),
        voters=3,
        percents=(),
        words=(("Personal", 2), ("Zeit", 1)),  # "mehr" is a stop word
        total=3,
        # Each given once: the newest first.
        answers=(("Personal!", 1), ("mehr Zeit", 1), ("Mehr Personal", 1)),
    )


@pytest.mark.parametrize(("kind", "counts"), [("single", (1, 2)), ("scale", (1, 2, 3, 4, 5, 6))])
def test_results_reject_tally_of_wrong_size(kind: str, counts: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        results(opened(kind), Tally(counts=counts, voters=1))


@pytest.mark.parametrize(
    ("visibility", "state", "has_voted", "visible"),
    [
        ("live", "open", False, True),
        ("live", "open", True, True),
        ("live", "closed", False, True),
        ("after_vote", "open", False, False),
        ("after_vote", "open", True, True),
        ("after_vote", "closed", False, True),
        ("after_vote", "closed", True, True),
        ("after_close", "open", False, False),
        ("after_close", "open", True, False),
        ("after_close", "closed", False, True),
        ("after_close", "closed", True, True),
    ],
)
def test_results_visible(visibility: str, state: PollState, has_voted: bool, visible: bool) -> None:
    poll = replace(make(visibility=visibility), state=state)
    assert results_visible(poll, has_voted=has_voted) is visible


# --- only participants who joined before the opening (issue 21) ----------------------------


def test_joined_before_only_is_off_unless_asked_for() -> None:
    assert make().joined_before_only is False
    assert make(joined_before_only=True).joined_before_only is True


@pytest.mark.parametrize("value", ["yes", 1, None, "true"])
def test_joined_before_only_takes_a_bool_only(value: object) -> None:
    with pytest.raises(DomainError) as err:
        make(joined_before_only=value)
    assert err.value.code == "invalid_joined_before_only"
    with pytest.raises(DomainError):
        set_joined_before_only(make(), value)


def test_joined_before_only_can_be_switched_in_every_state() -> None:
    opened = open_poll(make(), NOW)
    assert set_joined_before_only(opened, True).joined_before_only is True
    closed = close_poll(set_joined_before_only(opened, True), LATER)
    assert set_joined_before_only(closed, False).joined_before_only is False
