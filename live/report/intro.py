"""The report's opening: when and what, what is left out and why, the figures at a glance.
Shared by the HTML page and the Markdown file so both say exactly the same."""

from __future__ import annotations

from live.domain import blocklist
from live.domain.codes import format_code
from live.report.fmt import Formatter
from live.report.view import ReportView


def dates_line(view: ReportView, fmt: Formatter) -> str | None:
    event = view.report.event
    if event.starts_on is None:
        return None
    if event.ends_on is None or event.ends_on == event.starts_on:
        return fmt.day(event.starts_on)
    return f"{fmt.day(event.starts_on)} – {fmt.day(event.ends_on)}"


def intro_lines(view: ReportView, fmt: Formatter) -> list[str]:
    report = view.report
    lines = []
    if (dates := dates_line(view, fmt)) is not None:
        lines += [dates, ""]
    lines.append(
        fmt._(
            "Code %(code)s · erstellt am %(when)s · alle Zeiten in %(zone)s",
            code=format_code(report.event.code),
            when=fmt.when(report.generated_at),
            zone=fmt.zone.key,
        )
    )
    lines += [
        "",
        fmt._(
            "Der Bericht enthält die Ergebnisse der geöffneten Abstimmungen, die veröffentlichten "
            "Fragen (freigegeben, beantwortet oder archiviert) mit ihren Antworten und den "
            "Verlauf von Applaus und Stimmung je Raum und Programmpunkt."
        ),
        "",
        fmt.ngettext(
            "Nicht enthalten sind Fragen, die nicht freigegeben oder ausgeblendet wurden "
            "(hier %(n)s Frage).",
            "Nicht enthalten sind Fragen, die nicht freigegeben oder ausgeblendet wurden "
            "(hier %(n)s Fragen).",
            view.unpublished,
        ),
        "",
        fmt._(
            "Die Teilnahme war anonym: Namen erscheinen nur, wo Fragende selbst einen angegeben "
            "haben."
        ),
    ]
    return lines


def overview(view: ReportView, fmt: Formatter) -> list[tuple[str, str]]:
    report = view.report
    questions = sum(len(r.questions) for r in view.rooms)
    protected = sum(1 for p in view.polls if p.report.poll.joined_before_only)
    return [
        (fmt._("Teilnehmende (beigetreten)"), fmt.integer(report.participants)),
        (
            fmt._("Aktiv beteiligt (abgestimmt, gefragt oder Stimmung angegeben)"),
            fmt.integer(report.active),
        ),
        (fmt._("Abgestimmt (Personen, alle Abstimmungen)"), fmt.integer(report.voters)),
        # The protections (issue 21), as set when the report was made.
        (
            fmt._("Beitritt nur mit dem Code von der Leinwand"),
            fmt._("ja") if report.event.join_code_required else fmt._("nein"),
        ),
        (
            fmt._("Abstimmungen nur für vor dem Öffnen Beigetretene"),
            fmt._(
                "%(n)s von %(total)s",
                n=fmt.integer(protected),
                total=fmt.integer(len(view.polls)),
            ),
        ),
        (fmt._("Sperrliste"), _blocklist(view, fmt)),
        (fmt._("Räume"), fmt.integer(len(report.rooms))),
        (fmt._("Programmpunkte"), fmt.integer(len(report.agenda))),
        (fmt._("Abstimmungen"), fmt.integer(len(view.polls))),
        (fmt._("Veröffentlichte Fragen"), fmt.integer(questions)),
    ]


def _blocklist(view: ReportView, fmt: Formatter) -> str:
    """Whether a blocklist was on (as set when the report was made) and what it held back:
    the answers kept out of word clouds, and the questions with a listed word (checked now
    against the list as it is; they waited for a moderator when they were asked, unless the
    word was listed later). Numbers only: the words do not belong in a published report."""
    matcher = blocklist.for_event(view.report.event)
    if not matcher:
        return fmt._("aus")
    answers = sum(p.report.results.held for p in view.polls)
    questions = sum(1 for r in view.rooms for q in r.report.questions if matcher.blocks(q.text))
    return fmt._(
        "eingeschaltet; zurückgehalten: %(answers)s, %(questions)s",
        answers=fmt.ngettext("%(n)s Antwort", "%(n)s Antworten", answers),
        questions=fmt.ngettext("%(n)s Frage", "%(n)s Fragen", questions),
    )


def overview_lines(view: ReportView, fmt: Formatter) -> list[str]:
    return [f"{label}: {value}" for label, value in overview(view, fmt)]
