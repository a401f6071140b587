from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from live.domain.errors import DomainError
from live.domain.models import QUESTION_STATES, Event, Question, QuestionState
from live.domain.questions import (
    ASK_INTERVAL,
    MAX_ANSWER_LEN,
    MAX_NAME_LEN,
    MAX_QUESTION_TEXT,
    SORTS,
    ask_not_before,
    can_delete,
    can_upvote,
    edit_text,
    new_question,
    not_author_error,
    ordered,
    restore_state,
    set_answer,
    set_state,
    too_fast_error,
    top,
    upvote_closed_error,
    visible_to,
    written_answer,
)

NOW = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
EVENT = Event(code="K7M3QX", title="Fachtag", created_at=NOW, moderator_token_hash="0" * 64)
FAMILY = "👩\u200d👩\u200d👧"
WRONG_TYPES: list[Any] = [None, 0, 42, 1.5, True, False, [], ["Frage"], {}, {"text": "x"}, b"x"]


def ask(event: Event = EVENT, **overrides: Any) -> Question:
    args: dict[str, Any] = {
        "question_id": "q1",
        "event": event,
        "room_id": "r1",
        "participant_id": "alice",
        "text": "Wie geht es weiter?",
        "name": None,
        "now": NOW,
    }
    args.update(overrides)
    return new_question(**args)


def q(qid: str, state: QuestionState = "approved", upvotes: int = 0, minute: int = 0) -> Question:
    return Question(
        id=qid,
        event_code="K7M3QX",
        room_id="r1",
        participant_id="alice" if qid.startswith("a") else "bob",
        text=f"Frage {qid}",
        name=None,
        state=state,
        created_at=NOW + timedelta(minutes=minute),
        upvotes=upvotes,
    )


def assert_domain_error(code: str, call: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as info:
        call()
    return check(code, info.value)


def check(code: str, error: DomainError) -> DomainError:
    assert error.code == code
    formatted = error.message % error.params
    assert formatted and "%" not in formatted
    return error


# --- asking ----------------------------------------------------------------------------------


def test_new_question() -> None:
    assert ask(text="  Wie\n geht\tes  weiter? ", name=" Anna  K. ") == Question(
        id="q1",
        event_code="K7M3QX",
        room_id="r1",
        participant_id="alice",
        text="Wie geht es weiter?",
        name="Anna K.",
        state="pending",
        created_at=NOW,
        answer=None,
        upvotes=0,
    )


@pytest.mark.parametrize(("need_approval", "state"), [(True, "pending"), (False, "approved")])
def test_approval_setting_picks_initial_state(need_approval: bool, state: str) -> None:
    assert ask(replace(EVENT, questions_need_approval=need_approval)).state == state


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (None, None),
        ("", None),
        ("   \n", None),
        ("\u202e\x00", None),
        ("Anna", "Anna"),
        ("  Dr.\tMüller ", "Dr. Müller"),
        ("n" * MAX_NAME_LEN, "n" * MAX_NAME_LEN),
        (f"Familie {FAMILY}", f"Familie {FAMILY}"),
        ("<b>Anna</b>", "<b>Anna</b>"),
    ],
)
def test_names(name: Any, expected: str | None) -> None:
    assert ask(name=name).name == expected


@pytest.mark.parametrize("name", ["Anna", "n" * 10_000, 42, ["Anna"], {"n": 1}, True])
def test_names_not_allowed_drops_any_name(name: Any) -> None:
    assert ask(replace(EVENT, names_allowed=False), name=name).name is None


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"text": ""}, "empty_question"),
        ({"text": " \n\t "}, "empty_question"),
        ({"text": "\u202e\x00\u2066\x1b"}, "empty_question"),
        *[({"text": wrong}, "empty_question") for wrong in WRONG_TYPES],
        ({"text": "x" * (MAX_QUESTION_TEXT + 1)}, "question_too_long"),
        ({"text": "x" * 10_000}, "question_too_long"),
        ({"text": "Ä" * 10_000}, "question_too_long"),
        ({"name": "n" * (MAX_NAME_LEN + 1)}, "name_too_long"),
        ({"name": "n" * 10_000}, "name_too_long"),
        *[({"name": w}, "invalid_name") for w in WRONG_TYPES if w is not None],
    ],
)
def test_ask_errors(overrides: dict[str, Any], code: str) -> None:
    assert_domain_error(code, lambda: ask(**overrides))


def test_error_texts_and_params() -> None:
    error = assert_domain_error("question_too_long", lambda: ask(text="x" * 501))
    assert error.message % error.params == "Die Frage darf höchstens 500 Zeichen lang sein."
    error = assert_domain_error("empty_question", lambda: ask(text=""))
    assert error.message == "Bitte geben Sie eine Frage ein."
    error = assert_domain_error("name_too_long", lambda: ask(name="n" * 61))
    assert error.params == {"max": MAX_NAME_LEN}
    error = assert_domain_error("answer_too_long", lambda: set_answer(q("b"), "x" * 4001))
    assert error.params == {"max": MAX_ANSWER_LEN}


HOSTILE_TEXT = [
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ('" onmouseover="alert(1)', '" onmouseover="alert(1)'),
    ("'><img src=x onerror=alert(1)>", "'><img src=x onerror=alert(1)>"),
    ('<div hx-get="/api/x" hx-trigger="load">', '<div hx-get="/api/x" hx-trigger="load">'),
    ("{{ 7*7 }} %(max)d %s", "{{ 7*7 }} %(max)d %s"),
    ("gnp.\u202eexe", "gnp.exe"),
    ("a\u2066b\u2069c\x00d\x07e", "abcde"),
    (f"Wir {FAMILY} fragen", f"Wir {FAMILY} fragen"),
    ("e\u0301", "é"),
]


@pytest.mark.parametrize(("raw", "expected"), HOSTILE_TEXT)
def test_hostile_strings_stay_plain_text(raw: str, expected: str) -> None:
    # Escaping is the templates' job: the domain keeps the characters, minus invisible tricks.
    question = ask(text=raw, name=raw)
    assert (question.text, question.name) == (expected, expected)
    assert edit_text(q("b"), raw).text == expected
    assert set_answer(q("b"), raw).answer == expected


def test_rate_limit() -> None:
    assert ASK_INTERVAL.total_seconds() == 10
    assert ask_not_before(NOW) == NOW - timedelta(seconds=10)
    error = check("too_fast", too_fast_error())
    assert error.params == {"seconds": 10}
    assert error.message % error.params == (
        "Bitte warten Sie 10 Sekunden, bevor Sie die nächste Frage stellen."
    )


# --- moderation ------------------------------------------------------------------------------


@pytest.mark.parametrize("start", QUESTION_STATES)
@pytest.mark.parametrize("target", ["approved", "answered", "hidden", "archived"])
def test_set_state(start: QuestionState, target: QuestionState) -> None:
    question = replace(q("b", start, upvotes=3), answer="Ja.")
    changed = set_state(question, target)
    if start == target:
        assert changed is question
    else:
        assert changed == replace(question, state=target)


@pytest.mark.parametrize(
    "state", ["pending", "", "Approved", "deleted", " approved", *WRONG_TYPES, ("hidden",)]
)
def test_set_state_rejects(state: Any) -> None:
    assert_domain_error("invalid_state", lambda: set_state(q("b", "pending"), state))


@pytest.mark.parametrize("start", QUESTION_STATES)
@pytest.mark.parametrize("target", QUESTION_STATES)
def test_restore_state_goes_back_to_any_state_pending_included(
    start: QuestionState, target: QuestionState
) -> None:
    question = replace(q("b", start, upvotes=3), answer="Ja.")
    restored = restore_state(question, target)
    if start == target:
        assert restored is question
    else:
        assert restored == replace(question, state=target)


def test_only_restore_state_returns_a_question_to_pending() -> None:
    approved = q("b", "approved", upvotes=2)
    assert restore_state(approved, "pending").state == "pending"
    assert_domain_error("invalid_state", lambda: set_state(approved, "pending"))


@pytest.mark.parametrize(
    "state", ["", "Pending", "deleted", " pending", *WRONG_TYPES, ("pending",)]
)
def test_restore_state_rejects(state: Any) -> None:
    assert_domain_error("invalid_state", lambda: restore_state(q("b", "approved"), state))


@pytest.mark.parametrize("answer", ["Ja.", "  Ja.\n\nAusführlich: nein. ", "x" * MAX_ANSWER_LEN])
def test_written_answer_passes_text_on_for_set_answer(answer: str) -> None:
    assert written_answer(answer) == answer


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (None, "empty_answer"),
        ("", "empty_answer"),
        ("  \n\t ", "empty_answer"),
        ("\u202e\u202c", "empty_answer"),  # only characters that cleaning drops
        *[(w, "invalid_answer") for w in WRONG_TYPES if w is not None],
    ],
)
def test_written_answer_errors(answer: Any, code: str) -> None:
    assert_domain_error(code, lambda: written_answer(answer))


def test_edit_text() -> None:
    question = q("b", "answered", upvotes=2)
    assert edit_text(question, "  Neue\nFassung ") == replace(question, text="Neue Fassung")
    assert edit_text(question, " Frage  b ") is question


@pytest.mark.parametrize(
    ("text", "code"),
    [
        *[(wrong, "empty_question") for wrong in WRONG_TYPES],
        (" ", "empty_question"),
        ("x" * 501, "question_too_long"),
        ("x" * 10_000, "question_too_long"),
    ],
)
def test_edit_text_errors(text: Any, code: str) -> None:
    assert_domain_error(code, lambda: edit_text(q("b"), text))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (None, None),
        ("", None),
        ("  \n\n \t", None),
        ("Ja.", "Ja."),
        ("  Erstens:  ja.\r\nZweitens: nein. ", "Erstens: ja.\nZweitens: nein."),
        ("\n\nAbsatz 1\n\n\n\n  \nAbsatz 2\n\n", "Absatz 1\n\nAbsatz 2"),
        ("a\u2028b\u2029c\x85d\x0be", "a\nb\nc\nd\ne"),
        ("x" * MAX_ANSWER_LEN, "x" * MAX_ANSWER_LEN),
        (f"{FAMILY}\u202e!", f"{FAMILY}!"),
    ],
)
def test_set_answer(answer: Any, expected: str | None) -> None:
    question = replace(q("b", "approved"), answer="alt")
    changed = set_answer(question, answer)
    assert changed == replace(question, answer=expected)
    # Cleaning is idempotent, and storing the same answer again changes nothing.
    assert set_answer(changed, expected) is changed


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        *[(w, "invalid_answer") for w in WRONG_TYPES if w is not None],
        ("x" * (MAX_ANSWER_LEN + 1), "answer_too_long"),
        ("x" * 10_000, "answer_too_long"),
        ("a\n" * 2001, "answer_too_long"),  # line breaks count
    ],
)
def test_set_answer_errors(answer: Any, code: str) -> None:
    assert_domain_error(code, lambda: set_answer(q("b"), answer))


# --- participants ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("pending", False),
        ("approved", True),
        ("answered", True),
        ("hidden", False),
        ("archived", False),
    ],
)
def test_can_upvote(state: QuestionState, allowed: bool) -> None:
    assert can_upvote(q("b", state)) is allowed


@pytest.mark.parametrize("state", QUESTION_STATES)
def test_upvote_closed_error(state: str) -> None:
    error = check("question_closed", upvote_closed_error(state))
    if state == "pending":
        assert error.message.startswith("Diese Frage ist noch nicht freigegeben")
    else:
        assert error.message == "Diese Frage kann nicht mehr bewertet werden."


@pytest.mark.parametrize("state", QUESTION_STATES)
def test_can_delete(state: QuestionState) -> None:
    question = q("a1", state)
    assert can_delete(question, "alice")
    assert not can_delete(question, "bob")
    assert not can_delete(question, None)
    assert not can_delete(replace(question, participant_id=""), "")
    error = check("not_author", not_author_error())
    assert error.message == "Sie können nur Ihre eigenen Fragen löschen."


VISIBILITY = {
    # state: (author, someone else, anonymous viewer, moderator)
    "pending": (True, False, False, True),
    "approved": (True, True, True, True),
    "answered": (True, True, True, True),
    "hidden": (False, False, False, True),
    "archived": (False, False, False, True),
}


@pytest.mark.parametrize("state", QUESTION_STATES)
def test_visible_to(state: QuestionState) -> None:
    question = q("a1", state)
    seen = (
        visible_to(question, participant_id="alice", moderator=False),
        visible_to(question, participant_id="bob", moderator=False),
        visible_to(question, participant_id=None, moderator=False),
        visible_to(question, participant_id=None, moderator=True),
    )
    assert seen == VISIBILITY[state]


# --- order -----------------------------------------------------------------------------------


def ids(questions: list[Question]) -> list[str]:
    return [x.id for x in questions]


ROOM = [
    q("b1", upvotes=2, minute=1),
    q("b2", upvotes=5, minute=2),
    q("b4", upvotes=2, minute=0),
    q("b3", upvotes=2, minute=0),
    q("b5", "answered", upvotes=9, minute=3),
    q("b6", "pending", upvotes=0, minute=4),
    q("a1", "pending", upvotes=0, minute=5),
    q("a2", "hidden", upvotes=20, minute=6),
    q("b7", "archived", upvotes=30, minute=3),
]


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("votes", ["b7", "a2", "b5", "b2", "b3", "b4", "b1", "b6", "a1"]),
        ("unknown", ["b7", "a2", "b5", "b2", "b3", "b4", "b1", "b6", "a1"]),
        ("newest", ["a2", "a1", "b6", "b5", "b7", "b2", "b1", "b3", "b4"]),
    ],
)
def test_ordered(by: str, expected: list[str]) -> None:
    assert ids(ordered(ROOM, by)) == expected
    assert ids(ordered(reversed(ROOM), by)) == expected  # independent of the input order


def test_sorts() -> None:
    assert SORTS == ("votes", "newest")
    assert ordered([], "votes") == []


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, []),
        (-1, []),
        (1, ["b5"]),
        (3, ["b5", "b2", "b3"]),
        (100, ["b5", "b2", "b3", "b4", "b1"]),
    ],
)
def test_top(n: int, expected: list[str]) -> None:
    assert ids(top(iter(ROOM), n)) == expected
