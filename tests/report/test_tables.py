import csv
import io
from zoneinfo import ZoneInfo

import pytest

from live.report import tables
from live.report.fmt import Formatter
from tests.report.factory import event_report, poll, question, room, room_report

BERLIN = ZoneInfo("Europe/Berlin")
DE = Formatter("de", BERLIN)
EN = Formatter("en", BERLIN)


def parse(text: str, delimiter: str = ";") -> list[list[str]]:
    assert text.startswith("\ufeff")  # the BOM: Excel reads UTF-8 then
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+49 30 123", "'+49 30 123"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Qualität = gut", "Qualität = gut"),
        ("", ""),
        (-5, -5),  # our own numbers stay numbers
    ],
)
def test_formula_guard(cell: str | int, safe: str | int) -> None:
    assert tables.safe(cell) == safe


def test_poll_csv_has_option_count_percent() -> None:
    rows = parse(tables.poll_csv(poll(options=["Qualität", "=1+1", "gut"]), DE))
    assert rows == [
        ["Antwort", "Stimmen", "Prozent"],
        ["Qualität", "3", "30"],
        ["'=1+1", "6", "60"],
        ["gut", "1", "10"],
    ]


def test_english_csv_uses_commas() -> None:
    rows = parse(tables.poll_csv(poll(), EN), ",")
    assert rows[1] == ["begeistert", "3", "30"]


def test_text_poll_csv_has_words() -> None:
    rows = parse(tables.poll_csv(poll(kind="text", texts=["Team Team", "Zukunft"]), DE))
    assert rows[0] == ["Wort", "Anzahl"]
    assert ["Team", "2"] in rows and ["Zukunft", "1"] in rows


def test_questions_csv() -> None:
    report = event_report(
        room_report(
            room("r1", "Plenum"),
            questions=[
                question(
                    "q1",
                    "=cmd|' /C calc'!A0",
                    "answered",
                    upvotes=3,
                    answer="Ja\nund nein",
                    name="@anna",
                    label="-Dr. Weber",
                ),
                question("q2", "Versteckt", "hidden"),
            ],
        ),
        room_report(room("r2", "Forum ä"), questions=[question("q3", "Fläche?", room_id="r2")]),
    )
    rows = parse(tables.questions_csv(report, DE))
    assert rows[0] == [
        "Raum",
        "Frage",
        "Name",
        "Stimmen",
        "Status",
        "Antwort",
        "Gestellt am",
        "Kennzeichnung",
    ]
    assert rows[1] == [
        "Plenum",
        "'=cmd|' /C calc'!A0",
        "'@anna",
        "3",
        "Beantwortet",
        "Ja\nund nein",
        "2026-11-21 09:05:00",
        "'-Dr. Weber",  # a label is event text too: no formula either
    ]
    assert rows[2][:2] == ["Forum ä", "Fläche?"]
    assert rows[2][7] == ""  # no label: an empty cell
    assert len(rows) == 3  # the hidden question is not published


def test_questions_csv_in_english_names_the_label_column() -> None:
    report = event_report(
        room_report(room("r1", "Plenum"), questions=[question("q1", "Wann?", label="Podium")])
    )
    rows = parse(tables.questions_csv(report, EN), ",")
    assert rows[0][-1] == "Label"
    assert rows[1][-1] == "Podium"


def test_ranking_csv_lists_places_with_points_and_first_places() -> None:
    report = poll(
        kind="ranking",
        options=["Personal", "Sprache", "Wohnen"],
        counts=(3, 3, 3),
        voters=3,
        points=(2, 5, 2),
        first=(0, 2, 1),
    )
    rows = parse(tables.poll_csv(report, DE))
    assert rows == [
        ["Platz", "Antwort", "Punkte", "Auf Platz 1"],
        ["1", "Sprache", "5", "2"],
        ["2", "Wohnen", "2", "1"],  # a tie on points: more first places go first
        ["3", "Personal", "2", "0"],
    ]


def test_points_csv_lists_sums_and_people() -> None:
    report = poll(kind="points", options=["A", "B"], counts=(1, 2), voters=2, points=(30, 170))
    rows = parse(tables.poll_csv(report, EN), ",")
    assert rows == [
        ["Place", "Answer", "Points", "People"],
        ["1", "B", "170", "2"],
        ["2", "A", "30", "1"],
    ]
