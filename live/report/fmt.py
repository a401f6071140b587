"""Numbers, percentages, dates and times for one language and time zone (babel, CLDR data).

German: "30 %" (with a non-breaking space), "3,8", "14:05", "21. November 2026";
English: "30%", "3.8", "2:05 PM", "November 21, 2026". Times are stored in UTC and shown in the
instance's zone (LIVE_TIMEZONE).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from live.i18n import Lang, translate, translations


@dataclass(frozen=True, slots=True)
class Formatter:
    lang: Lang
    zone: ZoneInfo

    def _(self, msgid: str, **params: object) -> str:
        return translate(self.lang, msgid, params or None)

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = translations(self.lang).ngettext(singular, plural, n)
        try:
            return text % {"n": self.integer(n), **params}
        except (KeyError, TypeError, ValueError):
            return text

    def integer(self, n: int) -> str:
        return str(format_decimal(n, format="#,##0", locale=self.lang))

    def decimal(self, x: float | None, digits: int = 1) -> str:
        if x is None:
            return "–"
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return str(format_decimal(x, format=pattern, locale=self.lang))

    def percent(self, whole: int) -> str:
        """A whole percentage (the domain rounds), e.g. 30 -> "30 %" / "30%"."""
        return str(format_percent(whole / 100, locale=self.lang))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def day(self, value: date) -> str:
        return str(format_date(value, "full", locale=self.lang))

    def time(self, moment: datetime) -> str:
        return str(format_time(moment, "short", tzinfo=self.zone, locale=self.lang))

    def when(self, moment: datetime) -> str:
        """Date and time, e.g. "21.11.2026, 14:05"."""
        local = self.local(moment)
        return f"{format_date(local.date(), 'medium', locale=self.lang)}, {self.time(moment)}"

    def span(self, start: datetime, end: datetime) -> str:
        """ "14:05–15:30" (en dash), with the date when the span ends on another day."""
        if self.local(start).date() == self.local(end).date():
            return f"{self.time(start)}–{self.time(end)}"
        return f"{self.when(start)} – {self.when(end)}"

    def stamp(self, moment: datetime) -> str:
        """Local time as "2026-11-21 14:05:03": sortable, and spreadsheets read it as a date."""
        return self.local(moment).strftime("%Y-%m-%d %H:%M:%S")


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slug(text: str, limit: int = 40) -> str:
    """An ASCII file-name part: "Tag der Jobcenter: Fachforum 3" -> "tag-der-jobcenter-fachforum-3".
    Umlauts become ae/oe/ue (the German way), other accents are dropped; never empty."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_only)
    out = "-".join(words)[:limit].strip("-")
    return out or "live"
