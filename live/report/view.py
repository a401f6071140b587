"""What the HTML page and the Markdown file show, worked out once for both: formatted numbers,
result sentences, per-item summaries and the charts. Pure (the report and ``fmt`` come in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from live.domain import applause as applause_rules
from live.domain import pace as pace_rules
from live.domain import polls as poll_rules
from live.domain.forums import ForumColumn
from live.domain.models import AgendaItem, Idea, Poll, Question
from live.domain.poll_points import ranking_order
from live.domain.text import _n
from live.report import charts
from live.report.data import EventReport, PollReport, RoomReport, SurveyReport
from live.report.fmt import Formatter
from live.report.timeline import (
    ChartSpan,
    ItemSummary,
    downsample_peak,
    downsample_step,
    pace_peaks,
    pace_total,
    spans,
    summarise,
)
from live.views.templating import KIND_LABELS

# The bar chart of a text poll shows the most frequent words; the CSV has all of them.
CHART_WORDS = 15
QUESTION_STATE_LABELS = {
    "pending": _n("Warten auf Freigabe"),
    "approved": _n("Freigegeben"),
    "answered": _n("Beantwortet"),
    "hidden": _n("Ausgeblendet"),
    "archived": _n("Archiviert"),
}


@dataclass(frozen=True, slots=True)
class ResultRow:
    label: str  # option, scale value or word
    count: int
    percent: int | None  # None for words
    # Ranking and points polls (issue 24): the option's points (Borda or the sum) and, for
    # ranking, its first places; rows then come from the most points down and count is the
    # number of ballots that ranked the option or gave it points.
    points: int | None = None
    first: int | None = None


@dataclass(frozen=True, slots=True)
class PollView:
    report: PollReport
    number: int  # 1-based, across the event (file names, headings)
    kind: str
    item: AgendaItem | None
    rows: list[ResultRow]
    sentence: str  # "30 % gut, 60 % mittel, 10 % schlecht"
    voters: str  # "20 Abstimmende"
    chart: str  # SVG markup (escaped inside)
    protection: str = ""  # "nur Teilnehmende, die vor dem Öffnen beigetreten sind" or ""

    @property
    def poll_id(self) -> str:
        return self.report.poll.id


@dataclass(frozen=True, slots=True)
class ItemRow:
    summary: ItemSummary
    time: str
    applause: str  # "0,8 (stark) um 14:05" or "–"
    mood: str  # "3,8" or "–"


@dataclass(frozen=True, slots=True)
class DayCharts:
    day: date
    title: str  # the day, e.g. "Samstag, 21. November 2026"
    window: str  # "09:00–17:00"
    applause: str  # SVG
    applause_text: str  # the chart in words, e.g. "höchster Wert 0,82 (stark) um 11:23"
    mood: str  # SVG
    mood_text: str
    pace: str = ""  # SVG ("" when nobody gave pace feedback that day)
    pace_text: str = ""


@dataclass(frozen=True, slots=True)
class SurveyView:
    report: SurveyReport
    questions: list[PollView]  # numbered 1.. within the survey


@dataclass(frozen=True, slots=True)
class RoomView:
    report: RoomReport
    items: list[ItemRow]
    polls: list[PollView]
    questions: list[Question]
    charts: list[DayCharts]
    # The room's approved ideas (issue 24), marked first; [] when the room had no idea board.
    ideas: list[Idea] = field(default_factory=list)
    surveys: list[SurveyView] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.report.room.name


@dataclass(frozen=True, slots=True)
class ReportView:
    report: EventReport
    rooms: list[RoomView]
    unpublished: int
    # The chapter „Ergebnisse aus den Foren“ (empty: no room takes part, no chapter).
    forums: list[ForumView] = field(default_factory=list)

    @property
    def polls(self) -> list[PollView]:
        return [p for r in self.rooms for p in r.polls]


@dataclass(frozen=True, slots=True)
class ForumView:
    """One forum's column in the report: its name, where the results come from, each result
    as a line, or (no results) why not."""

    name: str
    source: str
    items: list[str]
    empty: str | None


def build(report: EventReport, fmt: Formatter) -> ReportView:
    numbers = _poll_numbers(report)
    items = {i.id: i for i in report.agenda}
    rooms = [_room(room, fmt, report.generated_at, numbers, items) for room in report.rooms]
    forums = [_forum(column, fmt) for column in report.forums]
    return ReportView(report, rooms, sum(r.report.unpublished for r in rooms), forums)


def _forum(column: ForumColumn, fmt: Formatter) -> ForumView:
    if column.poll is not None:
        source = fmt._("Rangfolge: %(question)s", question=column.poll.question)
    elif column.source == "ranking":
        source = fmt._("Rangfolge (die Abstimmung gibt es nicht mehr)")
    else:
        source = fmt._("Markierte Ideen")
    lines = []
    for item in column.items:
        if item.points is not None:
            lines.append(
                f"{item.text} – {fmt.ngettext('%(n)s Punkt', '%(n)s Punkte', item.points)}"
            )
        elif item.upvotes:
            votes = fmt.ngettext("%(n)s Unterstützung", "%(n)s Unterstützungen", item.upvotes)
            lines.append(f"{item.text} – {votes}")
        else:
            lines.append(item.text)
    empty = None
    if not lines:
        waiting = column.state == "waiting"
        empty = fmt._("Die Abstimmung läuft noch.") if waiting else fmt._("Noch keine Ergebnisse")
    return ForumView(column.name, source, lines, empty)


def _poll_numbers(report: EventReport) -> dict[str, int]:
    """Polls are numbered through the event in report order (only the shown ones)."""
    ids = [p.poll.id for room in report.rooms for p in room.shown_polls]
    return {poll_id: i for i, poll_id in enumerate(ids, 1)}


def _room(
    room: RoomReport,
    fmt: Formatter,
    now: datetime,
    numbers: dict[str, int],
    items: dict[str, AgendaItem],
) -> RoomView:
    return RoomView(
        report=room,
        items=[_item_row(s, fmt) for s in summarise(room, now)],
        polls=[
            poll_view(p, fmt, numbers.get(p.poll.id, 0), items.get(p.poll.agenda_item_id or ""))
            for p in room.shown_polls
        ],
        questions=room.published,
        ideas=room.published_ideas,
        charts=[_day_charts(room, span, fmt, now) for span in spans(room, fmt.zone)],
        surveys=[
            SurveyView(s, [poll_view(q, fmt, n, None) for n, q in enumerate(s.questions, 1)])
            for s in room.surveys
        ],
    )


def _item_row(summary: ItemSummary, fmt: Formatter) -> ItemRow:
    applause = "–"
    if summary.applause_peak is not None and summary.applause_peak_at is not None:
        applause = fmt._(
            "%(level)s (%(word)s) um %(time)s",
            level=fmt.decimal(summary.applause_peak, 2),
            word=fmt._(applause_rules.describe(summary.applause_peak)),
            time=fmt.time(summary.applause_peak_at),
        )
    return ItemRow(
        summary=summary,
        time=fmt.span(summary.item.starts_at, summary.item.ends_at),
        applause=applause,
        mood=fmt.decimal(summary.mood_average, 1),
    )


# --- polls -----------------------------------------------------------------------------------


def result_rows(poll: PollReport) -> list[ResultRow]:
    p, r = poll.poll, poll.results
    if p.kind == "text":
        return [ResultRow(word, count, None) for word, count in r.words or ()]
    if p.kind in ("ranking", "points"):
        return [
            ResultRow(
                p.options[i],
                r.counts[i],
                r.percents[i],
                r.points[i],
                r.first[i] if p.kind == "ranking" else None,
            )
            for i in ranking_order(r.points, r.first)
        ]
    labels = [str(v) for v in poll_rules.scale_values(p)] if p.kind == "scale" else p.options
    return [
        ResultRow(label, count, percent)
        for label, count, percent in zip(labels, r.counts, r.percents, strict=True)
    ]


def result_sentence(poll: PollReport, rows: list[ResultRow], fmt: Formatter) -> str:
    """The result in words, e.g. "30 % gut, 60 % mittel, 10 % schlecht"."""
    if not poll.results.voters:
        return fmt._("Keine Stimmen.")
    if poll.poll.kind == "text":
        words = ", ".join(f"{row.label} ({fmt.integer(row.count)})" for row in rows[:10])
        sentence = (
            fmt._("Häufigste Wörter: %(words)s", words=words) if words else fmt._("Keine Wörter.")
        )
        hidden = _hidden_note(poll.poll, fmt)
        return f"{sentence.rstrip('.')}. {hidden}" if hidden else sentence
    if poll.poll.kind in ("ranking", "points"):
        return "; ".join(
            f"{place}. {row.label} ("
            + fmt.ngettext("%(n)s Punkt", "%(n)s Punkte", row.points or 0)
            + ")"
            for place, row in enumerate(rows, 1)
        )
    parts = ", ".join(f"{fmt.percent(row.percent or 0)} {row.label}" for row in rows)
    if poll.poll.kind == "scale":
        ends = _scale_ends(poll.poll)
        if ends:
            parts = f"{parts} ({ends})"
        return fmt._(
            "Durchschnitt %(average)s; %(parts)s",
            average=fmt.decimal(poll.results.average, 2),
            parts=parts,
        )
    return parts


def _scale_ends(poll: Poll) -> str:
    """The words at a scale's ends, e.g. "1 = trifft nicht zu, 5 = trifft voll zu"."""
    ends = [(poll.scale_min, poll.scale_min_label), (poll.scale_max, poll.scale_max_label)]
    return ", ".join(f"{value} = {label}" for value, label in ends if label)


def _hidden_note(poll: Poll, fmt: Formatter) -> str:
    """How much moderators took out of the word cloud, e.g. "Ausgeblendet: 2 Wörter, 1 Antwort."
    Only the numbers: what was hidden (an insult, a name) does not belong in a published report."""
    parts = []
    if poll.hidden_words:
        parts.append(fmt.ngettext("%(n)s Wort", "%(n)s Wörter", len(poll.hidden_words)))
    if poll.hidden_answers:
        parts.append(fmt.ngettext("%(n)s Antwort", "%(n)s Antworten", len(poll.hidden_answers)))
    return fmt._("Ausgeblendet: %(what)s.", what=", ".join(parts)) if parts else ""


def _voters(poll: PollReport, fmt: Formatter) -> str:
    n = poll.results.voters
    if poll.poll.kind == "text":
        return fmt.ngettext("%(n)s Person hat geantwortet", "%(n)s Personen haben geantwortet", n)
    return fmt.ngettext("%(n)s Person hat abgestimmt", "%(n)s Personen haben abgestimmt", n)


def _bars(poll: PollReport, rows: list[ResultRow], fmt: Formatter) -> list[charts.Bar]:
    if poll.poll.kind == "text":
        top = rows[:CHART_WORDS]
        most = max((row.count for row in top), default=0) or 1
        return [charts.Bar(row.label, row.count / most, fmt.integer(row.count)) for row in top]
    if poll.poll.kind in ("ranking", "points"):
        # Scaled to the leader's points, as on the projector; the number says it exactly.
        most = max((row.points or 0 for row in rows), default=0) or 1
        return [
            charts.Bar(
                f"{place}. {row.label}",
                (row.points or 0) / most,
                fmt.ngettext("%(n)s Punkt", "%(n)s Punkte", row.points or 0),
            )
            for place, row in enumerate(rows, 1)
        ]
    return [
        charts.Bar(
            row.label,
            (row.percent or 0) / 100,
            f"{fmt.percent(row.percent or 0)} ({fmt.integer(row.count)})",
        )
        for row in rows
    ]


def poll_view(poll: PollReport, fmt: Formatter, number: int, item: AgendaItem | None) -> PollView:
    rows = result_rows(poll)
    sentence = result_sentence(poll, rows, fmt)
    voters = _voters(poll, fmt)
    if poll.poll.kind == "text":
        legend = fmt._("Häufigste Wörter mit Anzahl der Nennungen")
    elif poll.poll.kind == "ranking":
        legend = fmt._(
            "Rangfolge nach Punkten (Borda: Platz 1 bekommt so viele Punkte, wie es Antworten"
            " gibt, minus eins, jeder weitere Platz einen weniger, nicht gewählte 0)"
        )
    elif poll.poll.kind == "points":
        legend = fmt._("Verteilte Punkte je Antwort, die meisten zuerst")
    elif poll.poll.kind == "multiple":
        legend = fmt._("Anteil der Abstimmenden je Antwort, in Klammern die Stimmen")
    else:
        legend = fmt._("Anteil der Stimmen in Prozent, in Klammern die Anzahl")
    label = f"{poll.poll.question} – {legend}. {voters}. {sentence}"
    return PollView(
        report=poll,
        number=number,
        kind=fmt._(KIND_LABELS[poll.poll.kind]),
        item=item,
        rows=rows,
        sentence=sentence,
        voters=voters,
        chart=charts.bar_chart(_bars(poll, rows, fmt), label=label),
        protection=(
            fmt._("nur Teilnehmende, die vor dem Öffnen beigetreten sind")
            if poll.poll.joined_before_only
            else ""
        ),
    )


# --- timelines -------------------------------------------------------------------------------


def _hours(span: ChartSpan, fmt: Formatter) -> list[tuple[datetime, str]]:
    hours = (span.end - span.start).total_seconds() / 3600
    step = timedelta(hours=charts.hour_step(hours))
    ticks = []
    moment = span.start
    while moment <= span.end:
        ticks.append((moment, fmt.time(moment)))
        moment += step
    return ticks


def _bands(span: ChartSpan, fmt: Formatter) -> list[charts.Band]:
    bands = []
    for item in span.items:
        text = f"{item.title} ({fmt.span(item.starts_at, item.ends_at)})"
        if item.speaker:
            text += f" – {item.speaker}"
        bands.append(charts.Band(item, text))
    return bands


def _day_charts(room: RoomReport, span: ChartSpan, fmt: Formatter, now: datetime) -> DayCharts:
    day = fmt.day(span.day)
    hours = _hours(span, fmt)
    bands = _bands(span, fmt)
    applause = downsample_peak(room.applause, span.start, span.end, until=now)
    in_span = [(at, v) for at, v in room.applause if span.start <= at < span.end]
    peak = max(in_span, key=lambda s: s[1], default=None)
    if peak is None:
        applause_text = fmt._("kein Applaus aufgezeichnet")
    else:
        applause_text = fmt._(
            "höchster Wert %(level)s (%(word)s) um %(time)s",
            level=fmt.decimal(peak[1], 2),
            word=fmt._(applause_rules.describe(peak[1])),
            time=fmt.time(peak[0]),
        )
    mood = downsample_step(room.mood_course, span.start, span.end, until=now)
    moods = [v for _at, v in mood if v is not None]
    if moods:
        mood_text = fmt._(
            "zwischen %(low)s und %(high)s, am Ende %(last)s (1 = sehr schlecht, 5 = sehr gut)",
            low=fmt.decimal(min(moods), 1),
            high=fmt.decimal(max(moods), 1),
            last=fmt.decimal(moods[-1], 1),
        )
    else:
        mood_text = fmt._("keine Stimmung abgegeben")
    window = fmt.span(span.start, span.end)
    applause_axis = charts.Axis(
        0.0,
        1.0,
        tuple((v, fmt.decimal(v, 1) if v % 1 else fmt.integer(int(v))) for v in (0.0, 0.5, 1.0)),
    )
    mood_axis = charts.Axis(1.0, 5.0, tuple((float(v), fmt.integer(v)) for v in range(1, 6)))
    pace_svg, pace_text = _pace_chart(room, span, fmt, now, day, window, bands, hours)
    return DayCharts(
        pace=pace_svg,
        pace_text=pace_text,
        day=span.day,
        title=day,
        window=window,
        applause_text=applause_text,
        mood_text=mood_text,
        applause=charts.timeline_chart(
            applause,
            start=span.start,
            end=span.end,
            axis=applause_axis,
            bands=bands,
            hours=hours,
            label=fmt._(
                "Applaus im Verlauf (0 bis 1), %(room)s, %(day)s, %(window)s: %(summary)s",
                room=room.room.name,
                day=day,
                window=window,
                summary=applause_text,
            ),
            area=True,
        ),
        mood=charts.timeline_chart(
            mood,
            start=span.start,
            end=span.end,
            axis=mood_axis,
            bands=bands,
            hours=hours,
            label=fmt._(
                "Stimmung im Verlauf (Durchschnitt 1 bis 5), %(room)s, %(day)s, %(window)s: "
                "%(summary)s",
                room=room.room.name,
                day=day,
                window=window,
                summary=mood_text,
            ),
            area=False,
        ),
    )


def _pace_chart(
    room: RoomReport,
    span: ChartSpan,
    fmt: Formatter,
    now: datetime,
    day: str,
    window: str,
    bands: list[charts.Band],
    hours: list[tuple[datetime, str]],
) -> tuple[str, str]:
    """How many signalled anything (the line) and, in words, each signal's peak."""
    peaks = pace_peaks(room, span.start, span.end)
    if all(peak is None for peak in peaks):
        return "", ""
    parts = []
    for value, peak in zip(pace_rules.SIGNALS, peaks, strict=True):
        if peak is not None:
            parts.append(
                fmt._(
                    "„%(what)s“ höchstens %(count)s um %(time)s",
                    what=fmt._(pace_rules.LABELS[value]),
                    count=fmt.integer(peak[0]),
                    time=fmt.time(peak[1]),
                )
            )
    text = "; ".join(parts)
    points = downsample_step(pace_total(room), span.start, span.end, until=now)
    top = max(2, max((int(v) for _at, v in points if v is not None), default=0))
    axis = charts.Axis(0.0, float(top), ((0.0, fmt.integer(0)), (float(top), fmt.integer(top))))
    svg = charts.timeline_chart(
        points,
        start=span.start,
        end=span.end,
        axis=axis,
        bands=bands,
        hours=hours,
        label=fmt._(
            "Rückmeldungen zu Tempo und Technik im Verlauf (Personen), %(room)s, %(day)s, "
            "%(window)s: %(summary)s",
            room=room.room.name,
            day=day,
            window=window,
            summary=text,
        ),
        area=True,
    )
    return svg, text


def state_label(question: Question, fmt: Formatter) -> str:
    return fmt._(QUESTION_STATE_LABELS[question.state])
