"""The setup file (live/domain/setup_file.py): export shape, strict import planning."""

from __future__ import annotations

import copy
import itertools
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event, Poll, Room
from live.domain.setup_file import (
    MAX_REPORTED,
    SetupInvalid,
    SetupPlan,
    export_setup,
    plan_import,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
EVENT = Event("ABCDEF", "Alt", NOW, "hash")
ROOMS = [Room("r-plenum", "ABCDEF", "Plenum", 0)]


def setup_doc() -> dict[str, Any]:
    return {
        "format": "live-setup",
        "version": 1,
        "title": "Tag der Jobcenter",
        "starts_on": "2026-11-21",
        "ends_on": "2026-11-22",
        "timezone": "Europe/Berlin",
        "rooms": [{"name": "plenum"}, {"name": "Forum A"}],
        "agenda": [
            {
                "title": "Eröffnung",
                "room": "Plenum",
                "starts_at": "2026-11-21T09:00:00+01:00",
                "ends_at": "2026-11-21T09:30:00+01:00",
                "speaker": "Dr. Muster",
                "polls": [
                    {
                        "question": "Wie sind Sie angereist?",
                        "kind": "single",
                        "options": ["Bahn", "Auto"],
                        "min": None,
                        "max": None,
                        "visibility": "live",
                    }
                ],
            },
            {
                "title": "Forum A: Integration",
                "room": "Forum A",
                "starts_at": "2026-11-22T10:00:00Z",
                "ends_at": "2026-11-22T11:00:00Z",
            },
        ],
        "polls": [
            {
                "room": "Forum A",
                "question": "Was nehmen Sie mit?",
                "kind": "text",
                "screen_results": "after_close",
                "max_answers": 3,
            }
        ],
    }


def plan(
    doc: object,
    *,
    rooms: list[Room] | None = None,
    agenda: list[AgendaItem] | None = None,
    polls: list[Poll] | None = None,
    max_rooms: int = 40,
) -> SetupPlan:
    counter = itertools.count(1)
    return plan_import(
        doc,
        event=EVENT,
        rooms=ROOMS if rooms is None else rooms,
        agenda=agenda or [],
        polls=polls or [],
        zone=BERLIN,
        new_id=lambda: f"id{next(counter)}",
        now=NOW,
        max_rooms=max_rooms,
    )


def problems(doc: object, **kwargs: Any) -> list[tuple[str, dict[str, object], str]]:
    with pytest.raises(SetupInvalid) as caught:
        plan(doc, **kwargs)
    return [(p.where, dict(p.where_params), p.error.code) for p in caught.value.problems]


def test_plan_of_a_valid_file() -> None:
    result = plan(setup_doc())
    assert result.days.title == "Tag der Jobcenter"
    assert (result.days.starts_on, result.days.ends_on) == (date(2026, 11, 21), date(2026, 11, 22))
    # "plenum" matches the existing "Plenum"; "Forum A" is new, after it.
    assert [(r.name, r.position) for r in result.rooms] == [("Forum A", 1)]
    forum = result.rooms[0].id
    first, second = result.items
    assert (first.room_id, first.title, first.speaker) == ("r-plenum", "Eröffnung", "Dr. Muster")
    assert first.starts_at == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert (second.room_id, second.speaker) == (forum, None)
    assert second.starts_at == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    prepared, loose = result.polls
    assert (prepared.agenda_item_id, prepared.room_id, prepared.state) == (
        first.id,
        "r-plenum",
        "draft",
    )
    assert prepared.visibility == "live"
    assert (loose.agenda_item_id, loose.room_id, loose.kind) == (None, forum, "text")
    assert loose.created_at > prepared.created_at  # the file's order is kept
    assert (result.kept_items, result.kept_polls) == (0, 0)


def test_importing_what_is_there_already_adds_nothing() -> None:
    first = plan(setup_doc())
    rooms = [*ROOMS, *first.rooms]
    again = plan(setup_doc(), rooms=rooms, agenda=list(first.items), polls=list(first.polls))
    assert (again.rooms, again.items, again.polls) == ((), (), ())
    assert (again.kept_items, again.kept_polls) == (2, 2)


def test_a_new_poll_for_an_existing_item_is_attached_to_it() -> None:
    first = plan(setup_doc())
    doc = setup_doc()
    doc["agenda"][0]["polls"].append({"question": "Noch eine Frage?", "kind": "text"})
    again = plan(
        doc,
        rooms=[*ROOMS, *first.rooms],
        agenda=list(first.items),
        polls=list(first.polls),
    )
    assert again.items == ()
    (poll,) = again.polls
    assert poll.agenda_item_id == first.items[0].id


def test_minimal_file() -> None:
    result = plan({"version": 1, "title": "T", "rooms": []})
    assert (result.rooms, result.items, result.polls) == ((), (), ())
    assert result.days.starts_on is None


@pytest.mark.parametrize("doc", [[], "x", None, 5])
def test_not_an_object(doc: object) -> None:
    with pytest.raises(DomainError) as caught:
        plan(doc)
    assert caught.value.code == "invalid_body"


def test_every_problem_is_listed_with_its_place() -> None:
    doc = setup_doc()
    doc["colour"] = "blau"
    doc["version"] = 2
    doc["starts_on"] = "21.11.2026"  # the file wants ISO dates
    doc["rooms"].append({"name": "Forum A"})
    doc["rooms"].append({"name": "", "size": 3})
    doc["agenda"][0]["ends_at"] = "2026-11-21T08:00:00+01:00"
    doc["agenda"][1]["room"] = "Keller"
    doc["agenda"][1]["starts_at"] = "2026-11-22T10:00:00"  # no offset
    doc["agenda"][0]["polls"][0]["options"] = ["Bahn"]
    doc["polls"].append({"room": "Plenum", "question": "", "kind": "text"})
    doc["polls"].append({"room": "Dach", "question": "Q", "kind": "text"})
    found = problems(doc)
    assert found == [
        ("Datei", {}, "unknown_field"),
        ("Datei", {}, "unsupported_version"),
        ("Datei, Feld „%(field)s“", {"field": "starts_on"}, "invalid_date"),
        ("Raum %(n)d", {"n": 3}, "duplicate_room"),
        ("Raum %(n)d", {"n": 4}, "unknown_field"),
        ("Programmpunkt %(n)d, Feld „%(field)s“", {"n": 1, "field": "ends_at"}, "end_before_start"),
        (
            "Programmpunkt %(n)d, Feld „%(field)s“",
            {"n": 2, "field": "starts_at"},
            "invalid_datetime",
        ),
        ("Programmpunkt %(n)d, Feld „%(field)s“", {"n": 2, "field": "room"}, "room_not_found"),
        ("Abstimmung %(n)d", {"n": 2}, "empty_question"),
        ("Abstimmung %(n)d", {"n": 3}, "room_not_found"),
    ]


def test_the_poll_of_a_valid_item_is_checked_too() -> None:
    doc = setup_doc()
    doc["agenda"][0]["polls"][0]["options"] = ["Bahn"]
    doc["agenda"][0]["polls"].append({"question": "Q", "kind": "scale", "min": 1, "max": 50})
    doc["agenda"][0]["polls"].append({"question": "Q", "kind": "text", "extra": 1})
    assert problems(doc) == [
        ("Programmpunkt %(n)d, Abstimmung %(m)d", {"n": 1, "m": 1}, "too_few_options"),
        ("Programmpunkt %(n)d, Abstimmung %(m)d", {"n": 1, "m": 2}, "invalid_scale"),
        ("Programmpunkt %(n)d, Abstimmung %(m)d", {"n": 1, "m": 3}, "unknown_field"),
    ]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": ""}, "empty_title"),
        ({"title": None}, "empty_title"),
        ({"version": True}, "unsupported_version"),
        ({"version": "1"}, "unsupported_version"),
        ({"format": "other"}, "invalid_format"),
        ({"timezone": 1}, "invalid_timezone"),
        ({"rooms": {"name": "x"}}, "invalid_list"),
        ({"agenda": "none"}, "invalid_list"),
        ({"polls": None}, "invalid_list"),
        ({"ends_on": "2026-11-20"}, "invalid_days"),
        ({"starts_on": "2026-11-22", "ends_on": "2026-11-22"}, "outside_days"),
    ],
)
def test_single_problems(change: dict[str, object], code: str) -> None:
    doc = setup_doc()
    doc.update(change)
    assert code in [c for _w, _p, c in problems(doc)]


def test_rooms_are_required() -> None:
    doc = setup_doc()
    del doc["rooms"]
    doc["agenda"] = []
    doc["polls"] = []
    assert problems(doc) == [("Datei, Feld „%(field)s“", {"field": "rooms"}, "invalid_list")]


def test_existing_agenda_must_fit_the_new_days() -> None:
    existing = AgendaItem(
        "old",
        "ABCDEF",
        "r-plenum",
        "Alt",
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    )
    assert ("Datei, Feld „%(field)s“", {"field": "starts_on"}, "agenda_outside_days") in problems(
        setup_doc(), agenda=[existing]
    )


def test_room_limit_counts_existing_rooms() -> None:
    assert ("Datei, Feld „%(field)s“", {"field": "rooms"}, "too_many_rooms") in problems(
        setup_doc(), max_rooms=1
    )


def test_at_most_max_reported_problems() -> None:
    doc = setup_doc()
    doc["rooms"] = [{"name": ""} for _ in range(MAX_REPORTED + 20)]
    doc["agenda"] = []
    doc["polls"] = []
    assert len(problems(doc)) == MAX_REPORTED


# --- export --------------------------------------------------------------------------------


def test_export_shape_and_round_trip() -> None:
    result = plan(setup_doc())
    event = replace(
        EVENT, title=result.days.title, starts_on=result.days.starts_on, ends_on=result.days.ends_on
    )
    rooms = [*ROOMS, *result.rooms]
    opened = replace(result.polls[0], id="open1", question="Schon offen", state="open")
    exported = export_setup(
        event,
        rooms,
        list(result.items),
        [*result.polls, opened],
        zone=BERLIN,
        zone_name="Europe/Berlin",
    )
    assert exported["rooms"] == [{"name": "Plenum"}, {"name": "Forum A"}]
    first = exported["agenda"][0]
    assert first["starts_at"] == "2026-11-21T09:00:00+01:00"  # local time with its offset
    assert first["room"] == "Plenum"
    assert [p["question"] for p in first["polls"]] == ["Wie sind Sie angereist?"]  # drafts only
    assert exported["agenda"][1]["starts_at"] == "2026-11-22T11:00:00+01:00"
    assert exported["polls"] == [
        {
            "room": "Forum A",
            "question": "Was nehmen Sie mit?",
            "kind": "text",
            "options": [],
            "min": None,
            "max": None,
            "visibility": "after_vote",
            "screen_results": "after_close",
            "max_answers": 3,
        }
    ]
    # The export is itself a valid file: into an empty event it plans the same program.
    again = plan(copy.deepcopy(exported), rooms=[Room("x", "ABCDEF", "Plenum", 0)])
    assert [(i.title, i.starts_at, i.ends_at, i.speaker) for i in again.items] == [
        (i.title, i.starts_at, i.ends_at, i.speaker) for i in result.items
    ]
    assert [(p.question, p.kind, p.options) for p in again.polls] == [
        (p.question, p.kind, p.options) for p in result.polls
    ]
    settings = [(p.screen_results, p.max_answers) for p in again.polls]
    assert settings == [(p.screen_results, p.max_answers) for p in result.polls]
    assert settings == [("live", 1), ("after_close", 3)]


def test_ranking_points_and_scale_settings_round_trip_through_the_file() -> None:
    doc = setup_doc()
    doc["polls"] = [
        {
            "room": "Plenum",
            "question": "Was zuerst?",
            "kind": "ranking",
            "options": ["A", "B", "C"],
            "max_ranked": 2,
        },
        {
            "room": "Plenum",
            "question": "Wohin das Geld?",
            "kind": "points",
            "options": ["A", "B"],
            "budget": 10,
        },
        {
            "room": "Plenum",
            "question": "Wie sehr?",
            "kind": "scale",
            "min_label": "gar nicht",
            "max_label": "sehr",
        },
    ]
    result = plan(doc)
    ranking, points, scale = result.polls[1:]
    assert (ranking.max_ranked, points.budget) == (2, 10)
    assert (scale.scale_min_label, scale.scale_max_label) == ("gar nicht", "sehr")
    exported = export_setup(
        EVENT, ROOMS, [], [ranking, points, scale], zone=BERLIN, zone_name="Europe/Berlin"
    )
    entries = exported["polls"]
    assert entries[0]["max_ranked"] == 2 and "budget" not in entries[0]
    assert entries[1]["budget"] == 10
    assert (entries[2]["min_label"], entries[2]["max_label"]) == ("gar nicht", "sehr")
    # A budget out of range is a problem of the file, named with its place.
    doc["polls"][1]["budget"] = 0
    assert [code for _, _, code in problems(doc)] == ["invalid_budget"]
