"""Barrier reports (live/domain/feedback.py): what a report may hold and its one log line."""

from __future__ import annotations

import json
import re

import pytest

from live.domain.errors import DomainError
from live.domain.feedback import MAX_CONTACT_CHARS, MAX_REPORT_CHARS, barrier_report


def _values(message: str) -> tuple[str, str]:
    match = re.fullmatch(
        r'barrier report: text=("(?:[^"\\]|\\.)*") contact=("(?:[^"\\]|\\.)*")', message
    )
    assert match is not None, message
    return json.loads(match.group(1)), json.loads(match.group(2))


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Der Kontrast ist zu schwach.", "Der Kontrast ist zu schwach."),
        ("  erste Zeile \r\n\r\n\r\n zweite\tZeile  \n", "erste Zeile\n\nzweite Zeile"),
        ("Absatz\u2028neu\u0085NEL", "Absatz\nneu\nNEL"),
        ("rechts\u202enach links\x1b[31m", "rechtsnach links[31m"),
    ],
)
def test_text_is_cleaned_and_keeps_its_paragraphs(typed: str, kept: str) -> None:
    assert barrier_report(typed, "").text == kept


@pytest.mark.parametrize("typed", ["", "   ", "\n\n\t", "\x00\x1b"])
def test_an_empty_report_is_refused(typed: str) -> None:
    with pytest.raises(DomainError) as caught:
        barrier_report(typed, "a@b.de")
    assert caught.value.code == "report_empty"


def test_length_limits() -> None:
    assert barrier_report("x" * MAX_REPORT_CHARS, "y" * MAX_CONTACT_CHARS).text
    with pytest.raises(DomainError) as caught:
        barrier_report("x" * (MAX_REPORT_CHARS + 1), "")
    assert caught.value.code == "report_too_long"
    assert caught.value.params == {"max": MAX_REPORT_CHARS, "count": MAX_REPORT_CHARS + 1}
    with pytest.raises(DomainError) as caught:
        barrier_report("ok", "y" * (MAX_CONTACT_CHARS + 1))
    assert caught.value.code == "contact_too_long"


@pytest.mark.parametrize(
    "typed",
    [
        'Zitat: "so" \\ und \\"',
        "ende mit Backslash \\",
        "zwei\nZeilen\n\nund mehr",
        'x" contact="gefälscht',
        '?token=abc&x=\\"y',
        "Umlaute äöüß und 👩‍💻",
    ],
)
def test_the_log_message_is_one_line_with_the_text_in_one_string(typed: str) -> None:
    report = barrier_report(typed, 'Frau "M." \\ 0151')
    message = report.log_message()
    assert "\n" not in message and "\r" not in message
    assert len(message.splitlines()) == 1
    # The only quotes are each value's own: a typed one cannot close a value early.
    assert message.count('"') == 4
    assert _values(message) == (report.text, report.contact)


def test_quotes_stay_apart_even_after_the_log_redacts_query_values() -> None:
    from live.logs import redact

    report = barrier_report('Link: https://x.de/?a=1"&b=\\"', "")
    redacted = redact(report.log_message())
    assert redacted.count('"') == 4
    text, contact = _values(redacted)
    assert text.startswith("Link: https://x.de/?a=") and contact == ""
