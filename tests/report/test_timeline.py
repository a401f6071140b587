import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

from live.report.timeline import (
    MAX_POINTS,
    downsample_peak,
    downsample_step,
    slice_by_item,
    spans,
    summarise,
    time_weighted_mean,
)
from tests.report.factory import at, item, room, room_report

BERLIN = ZoneInfo("Europe/Berlin")


def test_samples_go_to_the_item_running_at_their_time() -> None:
    agenda = [item("a", 0, 30), item("b", 30, 60), item("other", 0, 60, room_id="r2")]
    samples = [(at(-1), 0.1), (at(0), 0.2), (at(29.9), 0.3), (at(30), 0.4), (at(60), 0.5)]
    sliced = slice_by_item(samples, agenda, "r1")
    assert sliced == {
        None: [(at(-1), 0.1), (at(60), 0.5)],
        "a": [(at(0), 0.2), (at(29.9), 0.3)],
        "b": [(at(30), 0.4)],
    }


def test_overlapping_items_give_the_sample_to_the_later_one() -> None:
    sliced = slice_by_item([(at(20), 1.0)], [item("a", 0, 30), item("b", 15, 45)], "r1")
    assert sliced == {"b": [(at(20), 1.0)]}


def test_time_weighted_mean_carries_the_value_from_before_the_window() -> None:
    course = [(at(-10), 2.0), (at(30), 4.0), (at(90), 1.0)]
    assert time_weighted_mean(course, at(0), at(60)) == 3.0
    # Only the time after the first value counts.
    assert time_weighted_mean([(at(30), 4.0)], at(0), at(60)) == 4.0
    assert time_weighted_mean([(at(70), 4.0)], at(0), at(60)) is None
    assert time_weighted_mean([], at(0), at(60)) is None


def test_summary_per_agenda_item() -> None:
    report = room_report(
        agenda=[item("a", 0, 30), item("b", 30, 60), item("later", 600, 660)],
        applause=[(at(5), 0.3), (at(10), 0.9), (at(31), 0.2), (at(100), 1.0)],
        mood_log=[(at(1), "p1", 4), (at(40), "p2", 2), (at(45), "p1", 2)],
    )
    a, b, later = summarise(report, now=at(120))
    assert (a.applause_peak, a.applause_peak_at) == (0.9, at(10))
    assert b.applause_peak == 0.2  # the 1.0 at minute 100 was outside the program
    assert a.mood_average == 4.0 and a.mood_changes == 1
    # b: 4.0 for 10 min, 3.0 (4+2)/2 for 5 min, 2.0 for 15 min
    assert b.mood_average == round((4 * 10 + 3 * 5 + 2 * 15) / 30, 2)
    assert b.mood_changes == 2
    assert later.applause_peak is None and later.mood_average is None


def test_a_running_item_is_summarised_up_to_now() -> None:
    report = room_report(agenda=[item("a", 0, 60)], mood_log=[(at(0), "p", 5), (at(20), "p", 1)])
    (a,) = summarise(report, now=at(30))
    assert a.mood_average == round((5 * 20 + 1 * 10) / 30, 2)


def test_downsample_peak_keeps_the_peak_and_fills_quiet_time_with_zero() -> None:
    # A whole day per second with a single loud second.
    samples = [(at(m / 60), 0.1) for m in range(0, 8 * 3600, 7)] + [(at(123.4), 0.97)]
    points = downsample_peak(sorted(samples), at(0), at(9 * 60))
    assert len(points) == MAX_POINTS
    levels = [v for _t, v in points if v is not None]
    assert len(levels) == MAX_POINTS  # without `until` no bucket lies in the future (None)
    assert max(levels) == 0.97
    assert points[-1][1] == 0.0  # the last hour had no applause
    assert points[0][0] == at(0)
    assert all(b[0] > a[0] for a, b in itertools.pairwise(points))


def test_downsample_of_a_short_span_keeps_every_second() -> None:
    points = downsample_peak([(at(0) + timedelta(seconds=3), 0.5)], at(0), at(1))
    assert len(points) == 60
    assert points[3] == (at(0) + timedelta(seconds=3), 0.5)


def test_downsample_step_holds_the_last_value() -> None:
    course = [(at(-5), 3.0), (at(30), 5.0)]
    points = downsample_step(course, at(0), at(60), limit=4)
    assert [v for _t, v in points] == [3.0, 3.0, 5.0, 5.0]
    assert [v for _t, v in downsample_step([(at(40), 2.0)], at(0), at(60), limit=3)] == [
        None,
        None,
        2.0,
    ]


def test_spans_are_local_days_in_whole_hours() -> None:
    report = room_report(
        room(),
        agenda=[item("a", 10, 50)],  # 09:10-09:50 Berlin
        applause=[(at(24 * 60 + 135), 0.5)],  # next day 11:15
    )
    first, second = spans(report, BERLIN)
    assert first.start.astimezone(BERLIN).hour == 9 and first.end.astimezone(BERLIN).hour == 10
    assert [i.id for i in first.items] == ["a"]
    assert second.day == first.day + timedelta(days=1)
    assert (second.start.astimezone(BERLIN).hour, second.end.astimezone(BERLIN).hour) == (11, 12)
    assert second.items == ()
    assert spans(room_report(), BERLIN) == []


def test_nothing_is_drawn_after_now() -> None:
    applause = downsample_peak([(at(1), 0.5)], at(0), at(4), limit=4, until=at(2))
    assert [v for _t, v in applause] == [0.0, 0.5, None, None]
    mood = downsample_step([(at(0), 4.0)], at(0), at(4), limit=4, until=at(3))
    assert [v for _t, v in mood] == [4.0, 4.0, 4.0, None]
