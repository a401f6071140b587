"""The report's pace and technics timeline (live/report/timeline.py, view.py): a chart of how
many signalled anything, and each signal's peak in words."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from live.domain import pace as pace_rules
from live.report.data import RoomReport
from live.report.fmt import Formatter
from live.report.timeline import pace_peaks
from live.report.view import build
from tests.report.factory import at, event_report, item, room_report

DE = Formatter("de", ZoneInfo("Europe/Berlin"))
EN = Formatter("en", ZoneInfo("Europe/Berlin"))

LOG = [
    ("a", "too_fast", at(10)),
    ("b", "too_fast", at(10.5)),
    ("c", "too_fast", at(11)),
    ("d", "av_problem", at(30)),
]


def with_pace() -> RoomReport:
    base = room_report(agenda=[item("talk", 0, 60, title="Vortrag")])
    return replace(base, pace_course=tuple(pace_rules.timeline(LOG)))


def test_the_peaks_per_signal() -> None:
    report = with_pace()
    assert pace_peaks(report, at(0), at(60)) == [(3, at(11)), None, (1, at(30))]
    assert pace_peaks(report, at(40), at(60)) == [None, None, None]


def test_the_report_draws_the_timeline_with_its_words() -> None:
    view = build(event_report(with_pace()), DE)
    (day,) = view.rooms[0].charts
    assert (
        day.pace_text
        == "„zu schnell“ höchstens 3 um 09:11; „Ton/Bild gestört“ höchstens 1 um 09:30"
    )
    assert day.pace.startswith("<svg") and "Tempo und Technik" in day.pace
    english = build(event_report(with_pace()), EN).rooms[0].charts[0]
    assert "too fast" in english.pace_text


def test_no_pace_feedback_no_chart() -> None:
    view = build(event_report(room_report(agenda=[item("talk", 0, 60)])), DE)
    assert all(day.pace == "" for day in view.rooms[0].charts)
