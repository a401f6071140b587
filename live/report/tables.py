"""CSV downloads: one per poll, one for the Q&A.

Written for spreadsheets as people use them here:
- UTF-8 with a byte order mark: Excel reads a CSV without BOM in the system's ANSI code page
  (Windows-1252), so "Qualität" would turn into "QualitÃ¤t". The BOM makes it read UTF-8.
- German (default): ";" as separator, because German Excel splits on the list separator of the
  locale, which is ";" (the "," is the decimal comma); English: ",".
- Formula injection (OWASP "CSV Injection"): a cell starting with = + - @ (or tab / carriage
  return) is run as a formula by Excel and LibreOffice; user text could call out or mislead.
  Such text cells get a leading apostrophe, which spreadsheets show as plain text. Numbers we
  write ourselves are not touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from live.report.data import EventReport, PollReport
from live.report.fmt import Formatter
from live.report.view import result_rows, state_label

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int


def safe(cell: Cell) -> Cell:
    """A text cell that no spreadsheet will evaluate as a formula."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def write(rows: Iterable[Sequence[Cell]], fmt: Formatter) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if fmt.lang == "de" else ",", lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
    return BOM + buffer.getvalue()


def poll_csv(poll: PollReport, fmt: Formatter) -> str:
    """Choice and scale polls: option, count, percent; text polls: word, count; ranking:
    place, option, points, first places; points: place, option, points, people who gave any."""
    rows: list[list[Cell]]
    if poll.poll.kind == "text":
        rows = [[fmt._("Wort"), fmt._("Anzahl")]]
        rows += [[r.label, r.count] for r in result_rows(poll)]
    elif poll.poll.kind == "ranking":
        rows = [[fmt._("Platz"), fmt._("Antwort"), fmt._("Punkte"), fmt._("Auf Platz 1")]]
        rows += [
            [place, r.label, r.points or 0, r.first or 0]
            for place, r in enumerate(result_rows(poll), 1)
        ]
    elif poll.poll.kind == "points":
        rows = [[fmt._("Platz"), fmt._("Antwort"), fmt._("Punkte"), fmt._("Personen")]]
        rows += [
            [place, r.label, r.points or 0, r.count] for place, r in enumerate(result_rows(poll), 1)
        ]
    else:
        rows = [[fmt._("Antwort"), fmt._("Stimmen"), fmt._("Prozent")]]
        rows += [[r.label, r.count, r.percent or 0] for r in result_rows(poll)]
    return write(rows, fmt)


def questions_csv(report: EventReport, fmt: Formatter) -> str:
    """The published questions of every room (as in the report), most upvoted first. The
    label (issue 24) is the last column, so the columns spreadsheets already read keep their
    places; empty for a question without one."""
    header: list[Cell] = [
        fmt._("Raum"),
        fmt._("Frage"),
        fmt._("Name"),
        fmt._("Stimmen"),
        fmt._("Status"),
        fmt._("Antwort"),
        fmt._("Gestellt am"),
        fmt._("Kennzeichnung"),
    ]
    rows: list[Sequence[Cell]] = [header]
    for room in report.rooms:
        for q in room.published:
            rows.append(
                [
                    room.room.name,
                    q.text,
                    q.name or "",
                    q.upvotes,
                    state_label(q, fmt),
                    q.answer or "",
                    fmt.stamp(q.created_at),
                    q.label or "",
                ]
            )
    return write(rows, fmt)
