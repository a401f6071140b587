"""The report says whether a blocklist was on and how much it held back (numbers only)."""

from __future__ import annotations

from dataclasses import replace

from live.domain import polls as poll_rules
from live.domain.blocklist import for_event
from live.domain.models import Tally
from live.report import markdown
from live.report.data import PollReport
from live.report.view import build
from tests.report.factory import event, event_report, poll, question, room_report
from tests.report.test_markdown import DE

TEXTS = ("Mehr Pausen", "So ein Scheiß", "Scheiße", "Pausen")


def report(default: bool) -> str:
    ev = event(blocklist_default=default)
    text = poll("t", kind="text", texts=TEXTS).poll
    held = PollReport(text, poll_rules.results(text, Tally((), 4, texts=TEXTS), for_event(ev)))
    r = room_report(
        polls=[held],
        questions=[question("q1", "Sind das Idioten?", "pending"), question("q2", "Wann?")],
    )
    return markdown.render(build(replace(event_report(r), event=ev), DE), DE)


def test_the_report_counts_what_the_blocklist_held_back() -> None:
    text = report(True)
    assert "Sperrliste: eingeschaltet; zurückgehalten: 2 Antworten, 1 Frage" in text
    # The cloud's words in the report are only those of the answers shown.
    assert "Scheiß" not in text and "Idioten" not in text


def test_the_report_says_when_no_blocklist_was_on() -> None:
    assert "Sperrliste: aus" in report(False)
