import re
from zoneinfo import ZoneInfo

from live.report import charts
from live.report.fmt import Formatter
from live.report.view import build, poll_view
from tests.report.factory import HOSTILE, at, event_report, item, poll, room_report

DE = Formatter("de", ZoneInfo("Europe/Berlin"))


def test_bar_chart_writes_the_numbers_and_escapes_labels() -> None:
    svg = charts.bar_chart(
        [charts.Bar(HOSTILE, 0.3, "30 % (3)"), charts.Bar("ok", 1.0, "70 % (7)")],
        label=f"{HOSTILE}: 30 %",
    )
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert '"q"' not in svg  # quotes in attributes are escaped
    assert "30 % (3)</text>" in svg and "70 % (7)</text>" in svg
    # The track is 530 wide: 30 % of it and all of it.
    assert 'class="chart-bar" x="0" y="20" width="159"' in svg
    assert 'class="chart-bar" x="0" y="62" width="530"' in svg


def test_poll_chart_label_states_every_result() -> None:
    view = poll_view(poll(), DE, 1, None)
    label = re.search(r'aria-label="([^"]*)"', view.chart)
    assert label is not None
    assert "30\u00a0% begeistert, 60\u00a0% zufrieden, 10\u00a0% enttäuscht" in label.group(1)
    assert "10 Personen haben abgestimmt" in label.group(1)


def test_fit_cuts_long_labels() -> None:
    assert charts.fit("kurz", 100, 10) == "kurz"
    assert charts.fit("a" * 100, 58, 10) == "a" * 9 + "…"
    assert charts.fit("abc", 5, 10) == ""


def test_timeline_charts_escape_agenda_titles_and_stay_small() -> None:
    applause = [(at(s / 60), (s % 100) / 100) for s in range(0, 8 * 3600)]
    report = room_report(
        agenda=[item("a", 0, 240, title=HOSTILE, speaker="<b>Dr. X</b>"), item("b", 240, 480)],
        applause=applause,
        mood_log=[(at(30), "p", 4)],
    )
    (room,) = build(event_report(report), DE).rooms
    (day,) = room.charts
    for svg in (day.applause, day.mood):
        assert "<script" not in svg and "<b>" not in svg
        assert "&lt;script&gt;" in svg
        assert "&lt;b&gt;Dr. X&lt;/b&gt;" in svg  # the band's tooltip
        for points in re.findall(r'<polyline class="series" points="([^"]*)"', svg):
            assert len(points.split()) <= 300
    assert len(day.applause) < 40_000
    assert "höchster Wert 0,99 (tosend)" in day.applause_text
    # Mood: no value before 09:30 -> the line starts there; the label says how it went.
    assert "am Ende 4,0" in day.mood_text


def test_a_gap_in_the_mood_line_is_a_gap() -> None:
    svg = charts.timeline_chart(
        [(at(0), 3.0), (at(1), None), (at(2), 4.0), (at(3), 4.0)],
        start=at(0),
        end=at(4),
        axis=charts.Axis(1, 5, ((1, "1"), (5, "5"))),
        bands=[],
        hours=[(at(0), "09:00")],
        label="Stimmung",
        area=False,
    )
    assert svg.count("<polyline") == 2
    assert "<polygon" not in svg
