"""Rules of the event setup: the event's title and days, its rooms, and reading the dates and
times people type. The agenda items' rules are in live/domain/agenda.py.

Pure: ids, the time zone, the rooms and the existing program come in as arguments. Input from
people (form fields, a setup file) of any type is accepted at run time and refused only with
DomainError. Several fields can be wrong at once; ``Problems`` carries one error per field so
a form can show each next to its field.

Times: agenda items are stored in UTC; people type local dates and times of the event's time
zone (LIVE_TIMEZONE). An item starts and ends on the same local day (a conference slot never
runs past midnight; the form has one date for both), and when the event's days are set it
lies within them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event
from live.domain.text import _n, clean_text

MAX_TITLE_LEN = 200  # the event's title (creating an event and the setup use these rules)
MAX_EVENT_DAYS = 14


class Problems(DomainError):
    """Several inputs broke rules at once: field name -> its error. Nothing was changed.

    Reads as the first of them where one error is expected (the API's message)."""

    def __init__(self, problems: Mapping[str, DomainError]) -> None:
        first = next(iter(problems.values()))
        super().__init__(first.code, first.message, **first.params)
        self.problems = dict(problems)


@dataclass(frozen=True, slots=True)
class EventDays:
    title: str
    starts_on: date | None
    ends_on: date | None


# --- parsing what people type --------------------------------------------------------------

_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


def parse_day(raw: object) -> date | None:
    """A date as the browser's date field sends it (2026-11-21) or as typed in German
    (21.11.2026); empty: None."""
    text = raw.strip() if isinstance(raw, str) else None
    if text == "":
        return None
    if text is not None:
        try:
            if match := _GERMAN_DATE.fullmatch(text):
                day, month, year = (int(g) for g in match.groups())
                return date(year, month, day)
            if len(text) == 10:
                return date.fromisoformat(text)
        except ValueError:
            pass
    raise DomainError("invalid_date", _n("Bitte geben Sie ein gültiges Datum an (TT.MM.JJJJ)."))


def parse_time(raw: object) -> time | None:
    """A time of day as HH:MM (also H:MM or HH.MM); empty: None."""
    text = raw.strip() if isinstance(raw, str) else None
    if text == "":
        return None
    if text is not None and (match := _TIME.fullmatch(text)):
        hour, minute = (int(g) for g in match.groups())
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise DomainError("invalid_time", _n("Bitte geben Sie eine gültige Uhrzeit an (HH:MM)."))


def to_utc(day: date, clock: time, zone: tzinfo) -> datetime:
    """The UTC moment of a local date and time (a time skipped by the change to summer time
    is read as the zone's rules say, one hour later)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone)


def format_day(day: date) -> str:
    """A date in messages (the domain has no locale; this reads well in German and English)."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


# --- the event -----------------------------------------------------------------------------


def clean_title(raw: object) -> str:
    title = clean_text(raw) if isinstance(raw, str) else ""
    if not title:
        raise DomainError("empty_title", _n("Bitte geben Sie einen Titel ein."))
    if len(title) > MAX_TITLE_LEN:
        raise DomainError(
            "title_too_long",
            _n("Der Titel darf höchstens %(max)d Zeichen lang sein."),
            max=MAX_TITLE_LEN,
        )
    return title


def event_days(
    *,
    title: object,
    starts_on: object,
    ends_on: object,
    agenda: Iterable[AgendaItem],
    zone: tzinfo,
) -> EventDays:
    """The event's title and days, checked. ``starts_on``/``ends_on``: a date, None (not set)
    or text as for ``parse_day``. Only a first day: a one-day event (ends_on = starts_on).
    The existing program must lie within the new days (else it would silently fall outside)."""
    problems: dict[str, DomainError] = {}
    clean: str | None = None
    first = last = None
    try:
        clean = clean_title(title)
    except DomainError as exc:
        problems["title"] = exc
    try:
        first = (
            starts_on if starts_on is None or isinstance(starts_on, date) else parse_day(starts_on)
        )
    except DomainError as exc:
        problems["starts_on"] = exc
    try:
        last = ends_on if ends_on is None or isinstance(ends_on, date) else parse_day(ends_on)
    except DomainError as exc:
        problems["ends_on"] = exc
    if not problems.keys() & {"starts_on", "ends_on"}:
        if first is None and last is not None:
            problems["starts_on"] = DomainError(
                "missing_first_day", _n("Bitte geben Sie auch den ersten Tag an.")
            )
        elif first is not None:
            last = last or first
            if last < first:
                problems["ends_on"] = DomainError(
                    "invalid_days", _n("Der letzte Tag darf nicht vor dem ersten liegen.")
                )
            elif (last - first).days + 1 > MAX_EVENT_DAYS:
                problems["ends_on"] = DomainError(
                    "too_many_days",
                    _n("Eine Veranstaltung dauert höchstens %(max)d Tage."),
                    max=MAX_EVENT_DAYS,
                )
            else:
                outside = [i for i in agenda if not within_days(i, first, last, zone)]
                if outside:
                    problems["starts_on"] = DomainError(
                        "agenda_outside_days",
                        _n(
                            "Programmpunkte außerhalb dieser Tage: %(count)d. Bitte verschieben "
                            "oder löschen Sie sie zuerst."
                        ),
                        count=len(outside),
                    )
    if problems:
        raise Problems(problems)
    assert clean is not None
    return EventDays(clean, first, last)


def within_days(item: AgendaItem, first: date | None, last: date | None, zone: tzinfo) -> bool:
    """Whether the item lies within the event's days (always, when the days are not set)."""
    if first is None:
        return True
    last = last or first
    return first <= local(item.starts_at, zone).date() and local(item.ends_at, zone).date() <= last


def event_day_list(event: Event) -> list[date]:
    """The event's days in order (empty when they are not set)."""
    if event.starts_on is None:
        return []
    last = event.ends_on or event.starts_on
    return [event.starts_on + timedelta(days=n) for n in range((last - event.starts_on).days + 1)]


# --- rooms ---------------------------------------------------------------------------------

MAX_ROOM_NAME_LEN = 80  # creating an event, adding a room and the setup share these rules
MAX_ROOMS = 40  # per event


def clean_room_name(raw: object) -> str:
    name = clean_text(raw) if isinstance(raw, str) else ""
    if not name:
        raise DomainError("invalid_room", _n("Bitte geben Sie einen Raumnamen ein."))
    if len(name) > MAX_ROOM_NAME_LEN:
        raise DomainError(
            "invalid_room",
            _n("Ein Raumname darf höchstens %(max)d Zeichen lang sein."),
            max=MAX_ROOM_NAME_LEN,
        )
    return name


def check_room_name_free(name: str, others: Iterable[str]) -> None:
    """Room names are unique within an event, ignoring case."""
    if any(other.casefold() == name.casefold() for other in others):
        raise DomainError("duplicate_room", _n("Jeder Raumname darf nur einmal vorkommen."))


def check_parallel_polls(raw: object) -> bool:
    """The room setting "several polls open at once" (Room.parallel_polls): a JSON boolean."""
    if not isinstance(raw, bool):
        raise DomainError(
            "invalid_parallel_polls",
            _n("Für parallel_polls ist true oder false anzugeben."),
        )
    return raw


def check_applause_via_stream(raw: object) -> bool:
    """The room setting "Applaus kommt über den Stream" (Room.applause_via_stream): a JSON
    boolean."""
    if not isinstance(raw, bool):
        raise DomainError(
            "invalid_applause_via_stream",
            _n("Für applause_via_stream ist true oder false anzugeben."),
        )
    return raw


def too_many_rooms(limit: int = MAX_ROOMS) -> DomainError:
    return DomainError("too_many_rooms", _n("Höchstens %(max)d Räume je Veranstaltung."), max=limit)


def check_room_count(count: int) -> None:
    """An event has at most MAX_ROOMS rooms (``count``: how many it would have)."""
    if count > MAX_ROOMS:
        raise too_many_rooms()


def clean_room_names(raw: object) -> list[str]:
    """The rooms of a new event: a list of names; None or an empty list gives one "Plenum"."""
    if raw is None:
        return ["Plenum"]
    if not isinstance(raw, list | tuple):
        raise DomainError("invalid_room", _n("Die Räume müssen als Liste angegeben werden."))
    names = [clean_room_name(item) for item in raw]
    if not names:
        return ["Plenum"]
    check_room_count(len(names))
    for n, name in enumerate(names):
        check_room_name_free(name, names[:n])
    return names
