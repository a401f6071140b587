"""The setup file: an event's setup as JSON, for export and import (page and API).

Shape (version 1; docs/api.md):
    {"format": "live-setup", "version": 1, "title": str,
     "starts_on": "YYYY-MM-DD"|null, "ends_on": "YYYY-MM-DD"|null, "timezone": str,
     "rooms": [{"name": str}],
     "agenda": [{"title", "room": <room name>, "starts_at", "ends_at", "speaker": str|null,
                 "polls": [poll]}],
     "polls": [{"room": <room name>, ...poll}]}          (prepared polls of no agenda item)
    poll = {"question", "kind", "options": [str], "min": int|null, "max": int|null,
            "visibility", "screen_results", "max_answers": int}
           (screen_results and max_answers are optional on import: "live" and 1)
Times are ISO 8601 local times with their offset ("2026-11-21T09:00:00+01:00"); any offset is
accepted on import. "timezone" only documents the zone the times were written in.

Importing adds to an event, it never deletes: title and days are taken from the file; rooms
are matched by name (ignoring case) and missing ones added; agenda items and prepared polls are
added, except those that are there already (same room, title and times; same item, question
and kind), so importing the same file twice changes nothing the second time.

Pure: ``plan_import`` checks everything first and returns the complete list of writes; the
service only writes when the whole file is valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from live.domain import polls as poll_rules
from live.domain.agenda import MAX_AGENDA_ITEMS, agenda_item
from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event, Poll, Room
from live.domain.setup import (
    MAX_ROOMS,
    EventDays,
    Problems,
    check_room_name_free,
    clean_room_name,
    event_days,
    too_many_rooms,
)
from live.domain.text import _n

FORMAT = "live-setup"
VERSION = 1
MAX_IMPORT_POLLS = 500
MAX_REPORTED = 50  # problems listed at most (a wrong file can have thousands)

TOP_KEYS = frozenset(
    {"format", "version", "title", "starts_on", "ends_on", "timezone", "rooms", "agenda", "polls"}
)
ROOM_KEYS = frozenset({"name"})
ITEM_KEYS = frozenset({"title", "room", "starts_at", "ends_at", "speaker", "polls"})
POLL_KEYS = frozenset(
    {"question", "kind", "options", "min", "max", "visibility", "screen_results", "max_answers"}
    # issue 24: each only for its kind (ranking, points, scale)
    | {"max_ranked", "budget", "min_label", "max_label"}
)
LOOSE_POLL_KEYS = POLL_KEYS | {"room"}

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- export --------------------------------------------------------------------------------


def _local_iso(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def poll_entry(poll: Poll) -> dict[str, Any]:
    return {
        "question": poll.question,
        "kind": poll.kind,
        "options": list(poll.options),
        "min": poll.scale_min,
        "max": poll.scale_max,
        "visibility": poll.visibility,
        "screen_results": poll.screen_results,
        "max_answers": poll.max_answers,
    } | _kind_settings(poll)


def _kind_settings(poll: Poll) -> dict[str, Any]:
    # Only the settings of the poll's own kind, as the JSON poll carries them.
    if poll.kind == "ranking":
        return {"max_ranked": poll.max_ranked}
    if poll.kind == "points":
        return {"budget": poll.budget}
    # Scale labels only where set: a file without them stays as it was.
    labels = {"min_label": poll.scale_min_label, "max_label": poll.scale_max_label}
    return {name: label for name, label in labels.items() if label is not None}


def export_setup(
    event: Event,
    rooms: Sequence[Room],
    agenda: Sequence[AgendaItem],
    polls: Sequence[Poll],
    *,
    zone: tzinfo,
    zone_name: str,
) -> dict[str, Any]:
    """The event's setup: title, days, rooms, agenda items and prepared (draft) polls. Open
    and closed polls are results, not setup: they belong to the report."""
    names = {r.id: r.name for r in rooms}
    items = {i.id for i in agenda}
    drafts = [p for p in polls if p.state == "draft"]
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": event.title,
        "starts_on": event.starts_on.isoformat() if event.starts_on else None,
        "ends_on": event.ends_on.isoformat() if event.ends_on else None,
        "timezone": zone_name,
        "rooms": [{"name": r.name} for r in rooms],
        "agenda": [
            {
                "title": item.title,
                "room": names.get(item.room_id, ""),
                "starts_at": _local_iso(item.starts_at, zone),
                "ends_at": _local_iso(item.ends_at, zone),
                "speaker": item.speaker,
                "polls": [poll_entry(p) for p in drafts if p.agenda_item_id == item.id],
            }
            for item in agenda
        ],
        "polls": [
            {"room": names.get(p.room_id, ""), **poll_entry(p)}
            for p in drafts
            if p.agenda_item_id not in items
        ],
    }


# --- import --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetupProblem:
    """One error in a setup file: where (a msgid with params, e.g. "Programmpunkt 3") and
    what."""

    where: str
    where_params: Mapping[str, object]
    error: DomainError


class SetupInvalid(DomainError):
    """The file has errors; nothing was changed. ``problems`` lists them in file order."""

    def __init__(self, problems: Sequence[SetupProblem]) -> None:
        super().__init__(
            "invalid_setup",
            _n("Die Einrichtungsdatei enthält Fehler (%(count)d). Es wurde nichts geändert."),
            count=len(problems),
        )
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class SetupPlan:
    """What an import writes, in this order: title and days, rooms, agenda items, polls."""

    days: EventDays
    rooms: tuple[Room, ...]
    items: tuple[AgendaItem, ...]
    polls: tuple[Poll, ...]
    kept_items: int = 0  # in the file and already in the event
    kept_polls: int = 0


@dataclass
class _Collector:
    problems: list[SetupProblem] = field(default_factory=list)

    def add(self, where: str, error: DomainError, **params: object) -> None:
        if isinstance(error, Problems):
            for name, inner in error.problems.items():
                self.problems.append(
                    SetupProblem(_WITH_FIELD.get(where, where), {**params, "field": name}, inner)
                )
        else:
            self.problems.append(SetupProblem(where, params, error))


# The location texts; those with a field name get it appended (the dict keeps them msgids).
W_FILE = _n("Datei")
W_FILE_FIELD = _n("Datei, Feld „%(field)s“")
W_ROOM = _n("Raum %(n)d")
W_ITEM = _n("Programmpunkt %(n)d")
W_ITEM_FIELD = _n("Programmpunkt %(n)d, Feld „%(field)s“")
W_ITEM_POLL = _n("Programmpunkt %(n)d, Abstimmung %(m)d")
W_POLL = _n("Abstimmung %(n)d")
_WITH_FIELD = {W_FILE: W_FILE_FIELD, W_ITEM: W_ITEM_FIELD}


def _unknown(keys: object, allowed: frozenset[str]) -> DomainError | None:
    extra = sorted(str(k) for k in keys if k not in allowed) if isinstance(keys, dict) else []
    if extra:
        return DomainError("unknown_field", _n("Unbekanntes Feld „%(field)s“."), field=extra[0])
    return None


def _object(value: object, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DomainError("invalid_entry", _n("Erwartet wird ein JSON-Objekt."))
    if (problem := _unknown(value, allowed)) is not None:
        raise problem
    return value


def _list(doc: Mapping[str, Any], key: str, *, required: bool) -> list[Any]:
    if key not in doc and not required:
        return []
    value = doc.get(key)
    if not isinstance(value, list):
        raise DomainError("invalid_list", _n("„%(field)s“ muss eine Liste sein."), field=key)
    return value


def _day(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise DomainError(
        "invalid_date", _n("Bitte geben Sie das Datum als JJJJ-MM-TT an (oder null).")
    )


def _moment(value: object) -> datetime:
    moment = None
    if isinstance(value, str) and len(value) >= 16:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None or moment.utcoffset() is None:
        raise DomainError(
            "invalid_datetime",
            _n(
                "Bitte geben Sie Datum und Uhrzeit nach ISO 8601 mit Zeitzone an, "
                "z. B. 2026-11-21T09:00:00+01:00."
            ),
        )
    return moment


def plan_import(
    doc: object,
    *,
    event: Event,
    rooms: Sequence[Room],
    agenda: Sequence[AgendaItem],
    polls: Sequence[Poll],
    zone: tzinfo,
    new_id: Callable[[], str],
    now: datetime,
    max_rooms: int = MAX_ROOMS,
) -> SetupPlan:
    """Check the whole file against the event as it is and return every write it needs.
    Raises SetupInvalid listing every problem (up to MAX_REPORTED), or DomainError
    ("invalid_body") when the file is not a JSON object at all."""
    if not isinstance(doc, dict):
        raise DomainError("invalid_body", _n("Die Datei muss ein JSON-Objekt enthalten."))
    out = _Collector()
    if (problem := _unknown(doc, TOP_KEYS)) is not None:
        out.add(W_FILE, problem)
    version = doc.get("version")
    if not (isinstance(version, int) and not isinstance(version, bool) and version == VERSION):
        out.add(
            W_FILE,
            DomainError(
                "unsupported_version",
                _n("Diese Dateiversion wird nicht unterstützt (erwartet: „version“: %(v)d)."),
                v=VERSION,
            ),
        )
    if "format" in doc and doc["format"] != FORMAT:
        out.add(
            W_FILE,
            DomainError("invalid_format", _n("Das ist keine Einrichtungsdatei von live.")),
        )
    if "timezone" in doc and not isinstance(doc["timezone"], str):
        out.add(W_FILE, DomainError("invalid_timezone", _n("„timezone“ muss Text sein.")))

    # Title and days, checked against the program that is there already.
    days = None
    starts_on = ends_on = None
    day_problem = False
    for key in ("starts_on", "ends_on"):
        try:
            if key == "starts_on":
                starts_on = _day(doc.get(key))
            else:
                ends_on = _day(doc.get(key))
        except DomainError as exc:
            out.add(W_FILE_FIELD, exc, field=key)
            day_problem = True
    if day_problem:  # check the title alone; the days' own rules need both read
        starts_on = ends_on = None
    try:
        days = event_days(
            title=doc.get("title"), starts_on=starts_on, ends_on=ends_on, agenda=agenda, zone=zone
        )
    except Problems as exc:
        for name, inner in exc.problems.items():
            out.add(W_FILE_FIELD, inner, field=name)
    planned_event = (
        replace(event, title=days.title, starts_on=days.starts_on, ends_on=days.ends_on)
        if days is not None
        else event
    )

    # Rooms: matched by name, missing ones added after the existing ones.
    by_name = {r.name.casefold(): r.id for r in rooms}
    new_rooms: list[Room] = []
    seen_in_file: list[str] = []
    try:
        room_entries = _list(doc, "rooms", required=True)
    except DomainError as exc:
        out.add(W_FILE_FIELD, exc, field="rooms")
        room_entries = []
    for n, entry in enumerate(room_entries, start=1):
        try:
            name = clean_room_name(_object(entry, ROOM_KEYS).get("name"))
            check_room_name_free(name, seen_in_file)
        except DomainError as exc:
            out.add(W_ROOM, exc, n=n)
            continue
        seen_in_file.append(name)
        if name.casefold() not in by_name:
            room = Room(new_id(), event.code, name, len(rooms) + len(new_rooms))
            new_rooms.append(room)
            by_name[name.casefold()] = room.id
    if len(rooms) + len(new_rooms) > max_rooms:
        out.add(W_FILE_FIELD, too_many_rooms(max_rooms), field="rooms")
    room_ids = set(by_name.values())

    def room_of(raw: object) -> str | None:
        try:
            name = clean_room_name(raw)
        except DomainError:
            return None
        return by_name.get(name.casefold())

    # Agenda items (existing identical ones are kept, not doubled) and their polls.
    item_keys = {(i.room_id, i.title, i.starts_at, i.ends_at): i.id for i in agenda}
    poll_keys = {(p.room_id, p.agenda_item_id, p.question.casefold(), p.kind) for p in polls}
    new_items: list[AgendaItem] = []
    new_polls: list[Poll] = []
    kept_items = kept_polls = 0

    def add_poll(
        raw: object, allowed: frozenset[str], room_id: str, item_id: str | None
    ) -> Poll | None:
        nonlocal kept_polls
        entry = _object(raw, allowed)
        poll = poll_rules.new_poll(
            poll_id=new_id(),
            event_code=event.code,
            room_id=room_id,
            question=entry.get("question"),
            kind=entry.get("kind"),
            options=entry.get("options", []),
            scale_min=entry.get("min"),
            scale_max=entry.get("max"),
            visibility=entry.get("visibility", "after_vote"),
            screen_results=entry.get("screen_results", "live"),
            max_answers=entry.get("max_answers"),
            max_ranked=entry.get("max_ranked"),
            budget=entry.get("budget"),
            scale_min_label=entry.get("min_label"),
            scale_max_label=entry.get("max_label"),
            # One microsecond apart: the polls keep the file's order (list_polls sorts by it).
            now=now + timedelta(microseconds=len(new_polls)),
        )
        poll = replace(poll, agenda_item_id=item_id)
        key = (room_id, item_id, poll.question.casefold(), poll.kind)
        if key in poll_keys:
            kept_polls += 1
            return None
        poll_keys.add(key)
        new_polls.append(poll)
        return poll

    try:
        item_entries = _list(doc, "agenda", required=False)
    except DomainError as exc:
        out.add(W_FILE_FIELD, exc, field="agenda")
        item_entries = []
    for n, raw in enumerate(item_entries, start=1):
        try:
            entry = _object(raw, ITEM_KEYS)
        except DomainError as exc:
            out.add(W_ITEM, exc, n=n)
            continue
        problems: dict[str, DomainError] = {}
        moments: dict[str, datetime | None] = {}
        for key in ("starts_at", "ends_at"):
            try:
                moments[key] = _moment(entry.get(key))
            except DomainError as exc:
                problems[key] = exc
                moments[key] = None
        room_id = room_of(entry.get("room"))
        if room_id is None:
            problems["room"] = DomainError(
                "room_not_found",
                _n("Den Raum „%(name)s“ gibt es weder in der Datei noch in der Veranstaltung."),
                name=str(entry.get("room"))[:80],
            )
        try:
            item = agenda_item(
                item_id=new_id(),
                event=planned_event,
                room_ids=room_ids,
                title=entry.get("title"),
                room_id=room_id,
                starts_at=moments["starts_at"],
                ends_at=moments["ends_at"],
                speaker=entry.get("speaker"),
                zone=zone,
                problems=problems,
            )
        except Problems as exc:
            # A missing moment is reported by its parse error already.
            for name, inner in exc.problems.items():
                if inner.code != "missing_time":
                    out.add(W_ITEM_FIELD, inner, n=n, field=name)
            continue
        same = (item.room_id, item.title, item.starts_at, item.ends_at)
        if same in item_keys:
            item = replace(item, id=item_keys[same])
            kept_items += 1
        else:
            item_keys[same] = item.id
            new_items.append(item)
        try:
            poll_entries = _list(entry, "polls", required=False)
        except DomainError as exc:
            out.add(W_ITEM_FIELD, exc, n=n, field="polls")
            continue
        for m, poll_raw in enumerate(poll_entries, start=1):
            try:
                add_poll(poll_raw, POLL_KEYS, item.room_id, item.id)
            except DomainError as exc:
                out.add(W_ITEM_POLL, exc, n=n, m=m)

    try:
        loose = _list(doc, "polls", required=False)
    except DomainError as exc:
        out.add(W_FILE_FIELD, exc, field="polls")
        loose = []
    for n, raw in enumerate(loose, start=1):
        try:
            room_id = room_of(raw.get("room")) if isinstance(raw, dict) else None
            if isinstance(raw, dict) and room_id is None:
                raise DomainError(
                    "room_not_found",
                    _n("Den Raum „%(name)s“ gibt es weder in der Datei noch in der Veranstaltung."),
                    name=str(raw.get("room"))[:80],
                )
            add_poll(raw, LOOSE_POLL_KEYS, room_id or "", None)
        except DomainError as exc:
            out.add(W_POLL, exc, n=n)

    if len(agenda) + len(new_items) > MAX_AGENDA_ITEMS:
        out.add(
            W_FILE_FIELD,
            DomainError(
                "too_many_items",
                _n("Höchstens %(max)d Programmpunkte je Veranstaltung."),
                max=MAX_AGENDA_ITEMS,
            ),
            field="agenda",
        )
    if len(new_polls) > MAX_IMPORT_POLLS:
        out.add(
            W_FILE,
            DomainError(
                "too_many_polls",
                _n("Höchstens %(max)d Abstimmungen je Import."),
                max=MAX_IMPORT_POLLS,
            ),
        )
    if out.problems:
        raise SetupInvalid(out.problems[:MAX_REPORTED])
    assert days is not None
    return SetupPlan(
        days, tuple(new_rooms), tuple(new_items), tuple(new_polls), kept_items, kept_polls
    )
