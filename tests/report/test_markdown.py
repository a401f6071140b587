import re
from zoneinfo import ZoneInfo

import pytest

from live.report import markdown
from live.report.fmt import Formatter
from live.report.view import build
from tests.report.factory import HOSTILE, at, event_report, item, poll, question, room_report

DE = Formatter("de", ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("*fett* _kursiv_ `code`", "\\*fett\\* \\_kursiv\\_ \\`code\\`"),
        ("[link](http://x)", "\\[link\\](http://x)"),
        ("a | b", "a \\| b"),
        ("# Titel", "\\# Titel"),
        ("- Liste", "\\- Liste"),
        ("1. Punkt", "1\\. Punkt"),
        ("> Zitat", "\\> Zitat"),
        ("=====", "\\====="),
        ("&amp;", "\\&amp;"),
        ("z.B. 3-4 (ca.)", "z.B. 3-4 (ca.)"),  # harmless text stays readable
        ("Zeile 1\n# Zeile 2", "Zeile 1\n\\# Zeile 2"),
    ],
)
def test_md_escapes_markdown_and_html(text: str, escaped: str) -> None:
    assert markdown.md(text) == escaped


def report_text() -> str:
    r = room_report(
        agenda=[item("talk", 0, 60, title="Eröffnung", speaker="Dr. Meier")],
        polls=[
            poll("p1", agenda_item_id="talk"),
            poll("p2", question=HOSTILE, options=[HOSTILE, "b", "c"]),
        ],
        questions=[
            question("q1", HOSTILE, "answered", upvotes=7, answer="Erste Zeile\n\n# zweite"),
            question("q2", "Geheim?", "hidden"),
            question("q3", "Noch offen?", "pending"),
        ],
        applause=[(at(10), 0.8)],
        mood_log=[(at(5), "a", 4), (at(6), "b", 5)],
    )
    return markdown.render(build(event_report(r), DE), DE)


def test_markdown_report_contents() -> None:
    text = report_text()
    assert text.startswith("# Bericht: Tag der Jobcenter\n")
    assert "Samstag, 21. November 2026" in text
    assert "Ergebnis: 30\u00a0% begeistert, 60\u00a0% zufrieden, 10\u00a0% enttäuscht" in text
    assert "| begeistert | 3 | 30\u00a0% |" in text
    assert "Eröffnung" in text and "Dr. Meier" in text
    assert "Applaus höchstens 0,80 (stark) um 09:10" in text
    assert "Stimmung im Durchschnitt 4," in text
    assert "7 Stimmen" in text and "Beantwortet" in text
    assert "   > Erste Zeile\n   >\n   > \\# zweite" in text
    # Only published questions; the intro says what is left out.
    assert "Geheim" not in text and "Noch offen" not in text
    assert "(hier 2 Fragen)" in text


def test_markdown_report_never_passes_user_markup_through() -> None:
    text = report_text()
    assert "<script>" not in text
    assert "[link](" not in text
    assert "*fett*" not in text
    # The pipe inside the option is escaped: no extra table cell.
    assert re.search(r"(?<!\\)\| =SUM", text) is None
    assert "\\| =SUM" in text


def test_markdown_ranking_table() -> None:
    report = poll(kind="points", options=["A", "B"], counts=(1, 2), voters=2, points=(30, 170))
    text = markdown.render(build(event_report(room_report(polls=[report])), DE), DE)
    assert "| Platz | Antwort | Punkte | Personen |" in text
    assert "| 1 | B | 170 | 2 |" in text
