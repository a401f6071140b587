"""How the program reads on the pages: local times and days, the poll form's agenda choice and
its prefill from a poll template. No I/O; the pages pass in what they read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from babel.dates import format_date

from live.domain.models import AgendaItem
from live.domain.poll_templates import template
from live.i18n import Lang, translate


@dataclass(frozen=True, slots=True)
class TimeFormat:
    """Times and days in the event's time zone and the reader's language (templates: times)."""

    zone: tzinfo
    lang: Lang

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def hm(self, moment: datetime) -> str:
        return self.local(moment).strftime("%H:%M")

    def span(self, item: AgendaItem) -> str:
        return f"{self.hm(item.starts_at)}–{self.hm(item.ends_at)}"

    def day(self, day: date) -> str:
        """E.g. "Samstag, 21. November 2026" / "Saturday, November 21, 2026"."""
        return str(format_date(day, format="full", locale=self.lang))

    def short_day(self, day: date) -> str:
        return str(format_date(day, format="medium", locale=self.lang))

    def day_of(self, moment: datetime) -> date:
        return self.local(moment).date()

    def iso_day(self, moment: datetime) -> str:
        return self.day_of(moment).isoformat()

    def is_today(self, moment: datetime, now: datetime) -> bool:
        return self.day_of(moment) == self.day_of(now)


def by_day(items: Iterable[AgendaItem], times: TimeFormat) -> list[tuple[date, list[AgendaItem]]]:
    """The program grouped by local day, in the order given (the store sorts by start)."""
    days: dict[date, list[AgendaItem]] = {}
    for item in items:
        days.setdefault(times.day_of(item.starts_at), []).append(item)
    return sorted(days.items())


def agenda_choices(items: Iterable[AgendaItem], times: TimeFormat) -> list[tuple[str, str]]:
    """(id, label) of a room's agenda items for the poll form's select."""
    return [
        (i.id, f"{times.short_day(times.day_of(i.starts_at))}, {times.span(i)} – {i.title}")
        for i in items
    ]


def prefilled_poll_form(
    lang: Lang, defaults: Mapping[str, str], query: Mapping[str, str]
) -> dict[str, str]:
    """The poll form's values for a page link: ?template=<key> fills question, kind, options,
    scale and the results and answers settings from a built-in template (in the reader's
    language); ?agenda=<id> preselects the agenda item. Unknown keys are ignored: the form just
    starts empty."""
    values = dict(defaults)
    chosen = template(query.get("template"))
    if chosen is not None:
        values.update(
            question=translate(lang, chosen.question),
            kind=chosen.kind,
            options="\n".join(translate(lang, o) for o in chosen.options),
            scale_min=str(chosen.scale_min),
            scale_max=str(chosen.scale_max),
            visibility=chosen.visibility,
            screen_results=chosen.screen_results,
            max_answers=str(chosen.max_answers),
        )
    agenda = query.get("agenda")
    if agenda and "agenda_item_id" in values:
        values["agenda_item_id"] = agenda[:40]
    return values
