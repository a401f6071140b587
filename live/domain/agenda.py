"""Rules of an agenda item: title, room, start and end, speaker.

Pure, like live/domain/setup.py (which holds the shared parsing and the event's days). An item
starts and ends on the same local day of the event's time zone (a conference slot never runs
past midnight; the form has one date for both), ends after it starts and, when the event's days
are set, lies on one of them. Several fields can be wrong at once: ``Problems`` names each.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, time, tzinfo

from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event
from live.domain.setup import Problems, format_day, local, parse_day, parse_time, to_utc
from live.domain.text import _n, clean_text

MAX_ITEM_TITLE_LEN = 200
MAX_SPEAKER_LEN = 200
MAX_AGENDA_ITEMS = 500  # per event: 13 rooms x 2 days x a dozen slots is far below
_MOMENTS = frozenset({"starts_at", "ends_at"})


def _clean_item_title(raw: object) -> str:
    title = clean_text(raw) if isinstance(raw, str) else ""
    if not title:
        raise DomainError("empty_item_title", _n("Bitte geben Sie einen Titel ein."))
    if len(title) > MAX_ITEM_TITLE_LEN:
        raise DomainError(
            "item_title_too_long",
            _n("Der Titel darf höchstens %(max)d Zeichen lang sein."),
            max=MAX_ITEM_TITLE_LEN,
        )
    return title


def _clean_speaker(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise DomainError("invalid_speaker", _n("Bitte geben Sie den Namen als Text ein."))
    speaker = clean_text(raw)
    if len(speaker) > MAX_SPEAKER_LEN:
        raise DomainError(
            "speaker_too_long",
            _n("Die Angabe zur Person darf höchstens %(max)d Zeichen lang sein."),
            max=MAX_SPEAKER_LEN,
        )
    return speaker or None


def agenda_item(
    *,
    item_id: str,
    event: Event,
    room_ids: Collection[str],
    title: object,
    room_id: object,
    starts_at: datetime | None,
    ends_at: datetime | None,
    speaker: object,
    zone: tzinfo,
    problems: dict[str, DomainError] | None = None,
) -> AgendaItem:
    """A checked agenda item. ``starts_at``/``ends_at`` are timezone-aware (None: the caller
    could not read them and has put an error for them into ``problems`` already).

    Problem fields: title, room, starts_at, ends_at, speaker."""
    problems = {} if problems is None else problems
    clean_title_ = clean_speaker = None
    try:
        clean_title_ = _clean_item_title(title)
    except DomainError as exc:
        problems["title"] = exc
    if not isinstance(room_id, str) or room_id not in room_ids:
        problems.setdefault(
            "room", DomainError("room_not_found", _n("Bitte wählen Sie einen Raum."))
        )
    try:
        clean_speaker = _clean_speaker(speaker)
    except DomainError as exc:
        problems["speaker"] = exc
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is None:
            problems.setdefault(
                name, DomainError("missing_time", _n("Bitte geben Sie die Zeit an."))
            )
        elif moment.utcoffset() is None:
            problems[name] = DomainError(
                "naive_time", _n("Zeitangaben brauchen eine Zeitzone (z. B. +01:00).")
            )
    if starts_at is not None and ends_at is not None and not problems.keys() & _MOMENTS:
        problem = _time_problem(event, starts_at, ends_at, zone)
        if problem is not None:
            problems[problem[0]] = problem[1]
    if problems:
        raise Problems(problems)
    assert clean_title_ is not None and starts_at is not None and ends_at is not None
    assert isinstance(room_id, str)
    return AgendaItem(
        id=item_id,
        event_code=event.code,
        room_id=room_id,
        title=clean_title_,
        starts_at=starts_at.astimezone(UTC),
        ends_at=ends_at.astimezone(UTC),
        speaker=clean_speaker,
    )


def _time_problem(
    event: Event, starts_at: datetime, ends_at: datetime, zone: tzinfo
) -> tuple[str, DomainError] | None:
    if ends_at <= starts_at:
        return "ends_at", DomainError(
            "end_before_start", _n("Das Ende muss nach dem Beginn liegen.")
        )
    if local(starts_at, zone).date() != local(ends_at, zone).date():
        return "ends_at", DomainError(
            "spans_days", _n("Ein Programmpunkt muss am selben Tag beginnen und enden.")
        )
    if event.starts_on is None:
        return None
    first, last = event.starts_on, event.ends_on or event.starts_on
    if first <= local(starts_at, zone).date() <= last:
        return None
    days = format_day(first) if first == last else f"{format_day(first)}–{format_day(last)}"
    return "starts_at", DomainError(
        "outside_days",
        _n("Der Programmpunkt muss an einem Veranstaltungstag liegen (%(days)s)."),
        days=days,
    )


def agenda_item_from_form(
    *,
    item_id: str,
    event: Event,
    room_ids: Collection[str],
    title: object,
    room_id: object,
    day: object,
    start: object,
    end: object,
    speaker: object,
    zone: tzinfo,
) -> AgendaItem:
    """An agenda item from the setup form: one local date, start and end time.

    Problem fields: title, room, day, start, end, speaker."""
    problems: dict[str, DomainError] = {}
    on = _parsed(problems, "day", day, parse_day, _n("Bitte geben Sie den Tag an."))
    start_time = _parsed(problems, "start", start, parse_time, _n("Bitte geben Sie den Beginn an."))
    end_time = _parsed(problems, "end", end, parse_time, _n("Bitte geben Sie das Ende an."))
    assert on is None or isinstance(on, date)
    assert start_time is None or isinstance(start_time, time)
    assert end_time is None or isinstance(end_time, time)
    inner: dict[str, DomainError] = {}
    try:
        item = agenda_item(
            item_id=item_id,
            event=event,
            room_ids=room_ids,
            title=title,
            room_id=room_id,
            starts_at=to_utc(on, start_time, zone) if on and start_time else None,
            ends_at=to_utc(on, end_time, zone) if on and end_time else None,
            speaker=speaker,
            zone=zone,
            problems=inner,
        )
    except Problems:
        pass
    else:
        if not problems:
            return item
    # Back to the form's fields. A missing moment is already reported for its field; being
    # outside the event's days is about the day, other problems of the start about the time.
    for name, exc in inner.items():
        if exc.code == "missing_time":
            continue
        field = {"starts_at": "start", "ends_at": "end"}.get(name, name)
        if exc.code == "outside_days":
            field = "day"
        problems.setdefault(field, exc)
    raise Problems(problems)


def _parsed(
    problems: dict[str, DomainError],
    name: str,
    raw: object,
    parse: Callable[[object], date | time | None],
    missing: str,
) -> date | time | None:
    try:
        value = parse(raw)
    except DomainError as exc:
        problems[name] = exc
        return None
    if value is None:
        problems[name] = DomainError(f"missing_{name}", missing)
    return value


def check_agenda_size(existing: int, adding: int) -> None:
    if existing + adding > MAX_AGENDA_ITEMS:
        raise DomainError(
            "too_many_items",
            _n("Höchstens %(max)d Programmpunkte je Veranstaltung."),
            max=MAX_AGENDA_ITEMS,
        )
