"""The report as Markdown: results quoted in words, questions with answers, timelines told as
text (peak applause and mood per agenda item). For mails, wikis and minutes."""

from __future__ import annotations

import re

from live.report.fmt import Formatter
from live.report.intro import intro_lines, overview_lines
from live.report.view import PollView, ReportView, RoomView, state_label

# Characters with a meaning anywhere in a line; escaped always. "<" and "&" too: Markdown
# passes raw HTML and entities through, and user text must stay text.
_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~&])")
# Block syntax at the start of a line: headings, lists, quotes, setext underlines, "1." lists.
_LINE_START = re.compile(r"^([#+\-=])|^(\d+)([.)])")


def md(text: str) -> str:
    """User text as literal Markdown (CommonMark: any ASCII punctuation may be escaped). Line
    breaks are kept; the caller decides how lines continue (quote, indentation)."""
    lines = []
    for raw in text.split("\n"):
        line = _ANYWHERE.sub(r"\\\1", raw.strip())
        line = _LINE_START.sub(
            lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", line
        )
        lines.append(line)
    return "\n".join(lines)


def render(view: ReportView, fmt: Formatter) -> str:
    report = view.report
    out = ["# " + md(fmt._("Bericht")) + ": " + md(report.event.title), ""]
    out += [md(line) for line in intro_lines(view, fmt)]
    out += ["", "## " + fmt._("Überblick"), ""]
    out += [f"- {md(line)}" for line in overview_lines(view, fmt)]
    if view.forums:
        out += ["", "## " + fmt._("Ergebnisse aus den Foren")]
        for forum in view.forums:
            out += ["", "### " + md(forum.name), "", md(forum.source), ""]
            out += [f"{i}. {md(line)}" for i, line in enumerate(forum.items, 1)]
            if forum.empty:
                out.append(md(forum.empty))
    for room in view.rooms:
        out += ["", *_room(room, fmt)]
    return "\n".join(out).rstrip() + "\n"


def _room(room: RoomView, fmt: Formatter) -> list[str]:
    part = room.report.participation
    out = ["## " + md(fmt._("Raum")) + ": " + md(room.name), ""]
    out.append(
        md(
            fmt._(
                "Beteiligung: %(voters)s abgestimmt, %(askers)s gefragt, %(moods)s mit "
                "Stimmungsangabe.",
                voters=fmt.integer(part.voters),
                askers=fmt.integer(part.askers),
                moods=fmt.integer(part.mood_givers),
            )
        )
    )
    if room.report.mood_average is not None:
        out += [
            "",
            md(
                fmt._(
                    "Stimmung zum Schluss: Durchschnitt %(average)s aus %(n)s Angaben.",
                    average=fmt.decimal(room.report.mood_average, 1),
                    n=fmt.integer(sum(room.report.mood_counts)),
                )
            ),
        ]
    if room.items:
        out += ["", "### " + fmt._("Programm"), ""]
        for row in room.items:
            item = row.summary.item
            speaker = f" ({md(item.speaker)})" if item.speaker else ""
            summary = fmt._(
                "Applaus höchstens %(applause)s; Stimmung im Durchschnitt %(mood)s",
                applause=row.applause,
                mood=row.mood,
            )
            out.append(f"- **{md(row.time)} {md(item.title)}**{speaker}: {md(summary)}")
    if room.charts:
        out += ["", "### " + fmt._("Verlauf"), ""]
        for day in room.charts:
            out.append(
                f"- {md(day.title)}, {md(day.window)}: "
                + md(
                    fmt._(
                        "Applaus: %(applause)s; Stimmung: %(mood)s",
                        applause=day.applause_text,
                        mood=day.mood_text,
                    )
                )
            )
    if room.polls:
        out += ["", "### " + fmt._("Abstimmungen")]
        for poll in room.polls:
            out += ["", *_poll(poll, fmt)]
    for survey in room.surveys:
        sr = survey.report
        out += ["", "### " + md(fmt._("Umfrage:") + " " + sr.survey.title), ""]
        started = fmt.ngettext(
            "%(n)s Person hat begonnen", "%(n)s Personen haben begonnen", sr.started
        )
        finished = fmt.ngettext(
            "%(n)s hat alle Fragen beantwortet", "%(n)s haben alle Fragen beantwortet", sr.finished
        )
        out.append(f"{md(started)} · {md(finished)}")
        for poll in survey.questions:
            out += ["", *_poll(poll, fmt)]
    out += ["", "### " + fmt._("Fragen"), ""]
    if not room.questions:
        out.append(md(fmt._("Keine veröffentlichten Fragen.")))
    for i, q in enumerate(room.questions, 1):
        votes = fmt.ngettext("%(n)s Stimme", "%(n)s Stimmen", q.upvotes)
        who = q.name or fmt._("Anonym")
        if q.label:
            who = f"{fmt._('Kennzeichnung:')} {q.label} · {who}"
        # A question's text is one line (cleaned); the answer keeps its line breaks.
        out.append(f"{i}. **{md(q.text)}** – {md(who)}, {md(votes)}, {md(state_label(q, fmt))}")
        if q.answer:
            out.append("   > **" + md(fmt._("Antwort")) + ":**")
            out += [f"   > {line}" if line else "   >" for line in md(q.answer).split("\n")]
        if duplicates := room.report.duplicates_of(q.id):
            texts = ", ".join(f"„{md(d.text)}“" for d in duplicates)
            out.append(f"   {md(fmt._('Zusammengeführt mit:'))} {texts}")
    if room.ideas:
        out += ["", "### " + fmt._("Ideen"), ""]
        for i, idea in enumerate(room.ideas, 1):
            votes = fmt.ngettext("%(n)s Stimme", "%(n)s Stimmen", idea.upvotes)
            mark = f"**{md(fmt._('Markiert:'))}** " if idea.marked else ""
            out.append(f"{i}. {mark}{md(idea.text)} – {md(votes)}")
    return out


def _poll(poll: PollView, fmt: Formatter) -> list[str]:
    p = poll.report.poll
    meta = [poll.kind, poll.voters]
    if poll.item is not None:
        meta.insert(1, poll.item.title)
    if poll.protection:
        meta.append(poll.protection)
    out = [
        f"#### {poll.number}. {md(p.question)}",
        "",
        " · ".join(md(m) for m in meta),
        "",
        md(fmt._("Ergebnis")) + ": " + md(poll.sentence),
    ]
    if poll.rows:
        if p.kind in ("ranking", "points"):
            last = fmt._("Auf Platz 1") if p.kind == "ranking" else fmt._("Personen")
            head = [fmt._("Platz"), fmt._("Antwort"), fmt._("Punkte"), last]
            out += ["", "| " + " | ".join(head) + " |", "|---:|---|---:|---:|"]
            out += [
                f"| {place} | {md(r.label)} | {fmt.integer(r.points or 0)} | "
                f"{fmt.integer((r.first or 0) if p.kind == 'ranking' else r.count)} |"
                for place, r in enumerate(poll.rows, 1)
            ]
        elif p.kind == "text":
            head = [fmt._("Wort"), fmt._("Anzahl")]
            out += ["", f"| {head[0]} | {head[1]} |", "|---|---:|"]
            out += [f"| {md(r.label)} | {fmt.integer(r.count)} |" for r in poll.rows]
        else:
            head = [fmt._("Antwort"), fmt._("Stimmen"), fmt._("Anteil")]
            out += ["", f"| {head[0]} | {head[1]} | {head[2]} |", "|---|---:|---:|"]
            out += [
                f"| {md(r.label)} | {fmt.integer(r.count)} | {fmt.percent(r.percent or 0)} |"
                for r in poll.rows
            ]
    return out
