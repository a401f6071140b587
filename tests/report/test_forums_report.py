"""The report's chapter „Ergebnisse aus den Foren“ (issue 24): every taking-part room's column
in the HTML view, the Markdown file and the JSON export, from what the rooms' reports hold."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from live.domain.forums import forum_columns
from live.report import markdown
from live.report.data import EventReport
from live.report.export import export_dict
from live.report.fmt import Formatter
from live.report.view import build
from tests.report.factory import HOSTILE, event_report, poll, room, room_report

PLENUM = room("r1", "Plenum", 0)
FORUM_A = replace(room("r2", "Forum Ausbildung", 1), forum_poll_id="p2")
FORUM_B = room("r3", "Forum Sprache", 2)
FORUM_C = replace(room("r4", "Forum Wohnen", 3), forum_poll_id="p4")


def report() -> EventReport:
    ranked = poll(
        "p2",
        kind="ranking",
        room_id="r2",
        question="Welches Thema zuerst?",
        options=("Personal", HOSTILE, "Sprache", "Wohnen"),
        counts=(2, 3, 1, 0),
        voters=3,
        points=(5, 8, 4, 1),
        first=(1, 2, 0, 0),
    )
    running = replace(ranked, poll=replace(ranked.poll, id="p4", room_id="r4", state="open"))
    rooms = [
        room_report(PLENUM),
        room_report(FORUM_A, polls=[ranked]),
        room_report(FORUM_B),
        room_report(FORUM_C, polls=[running]),
    ]
    plain = event_report(*rooms)
    polls = {r.room.id: [p.poll for p in r.polls] for r in rooms}
    results = {p.poll.id: p.results for r in rooms for p in r.polls}
    columns = forum_columns([r.room for r in rooms], polls, results, {}, idea_limit=None)
    return replace(plain, forums=columns)


def test_the_chapter_in_markdown() -> None:
    fmt = Formatter("de", ZoneInfo("Europe/Berlin"))
    text = markdown.render(build(report(), fmt), fmt)
    chapter = text[text.index("## Ergebnisse aus den Foren") : text.index("## Raum")]
    assert "### Forum Ausbildung" in chapter
    assert "Rangfolge: Welches Thema zuerst?" in chapter
    lines = [line for line in chapter.splitlines() if line[:3] in ("1. ", "2. ", "3. ")]
    assert lines[1:] == ["2. Personal – 5 Punkte", "3. Sprache – 4 Punkte"]
    assert "<script>" not in lines[0]  # user text escaped as everywhere in the file
    assert "### Forum Sprache\n\nMarkierte Ideen\n\nNoch keine Ergebnisse" in chapter
    assert "### Forum Wohnen" in chapter and "Die Abstimmung läuft noch." in chapter
    assert "Plenum" not in chapter


def test_the_chapter_in_english_and_in_the_export() -> None:
    fmt = Formatter("en", ZoneInfo("Europe/Berlin"))
    view = build(report(), fmt)
    assert [f.name for f in view.forums] == ["Forum Ausbildung", "Forum Sprache", "Forum Wohnen"]
    assert view.forums[0].source == "Ranking: Welches Thema zuerst?"
    assert view.forums[1].empty == "No results yet"
    exported = export_dict(report(), "Europe/Berlin")["forums"]
    assert [(f["room_id"], f["state"]) for f in exported] == [
        ("r2", "items"),
        ("r3", "empty"),
        ("r4", "waiting"),
    ]
    assert exported[0]["items"][1] == {"text": "Personal", "points": 5, "upvotes": None}


def test_one_room_no_chapter() -> None:
    fmt = Formatter("de", ZoneInfo("Europe/Berlin"))
    text = markdown.render(build(event_report(room_report(PLENUM)), fmt), fmt)
    assert "Ergebnisse aus den Foren" not in text
