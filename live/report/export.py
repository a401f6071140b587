"""The JSON export of CONTRACT.md (GET /api/v1/events/{code}/export.json), documented in
docs/api.md. Polls and questions in the same shapes as everywhere else in the API
(live/views/api.py); everything else is added around them. Unlike the published report it
holds every poll (drafts too) and every question in every state: it is the organiser's own
data. Participant ids never appear. The complete export adds what re-creating the event needs
(records.py: ballots, authors, upvoters and moods under pseudonyms), read back by `live import`
(live/domain/transfer.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from live.domain.models import AgendaItem, Event
from live.domain.transfer import FORMAT, VERSION
from live.report.data import EventReport, RoomReport
from live.report.gather import gather
from live.report.records import add_records
from live.store import Store
from live.views import api as shapes
from live.views.api import survey_dict
from live.views.forums import column_dict


def agenda_item_dict(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "room_id": item.room_id,
        "title": item.title,
        "speaker": item.speaker,
        "starts_at": shapes.iso(item.starts_at),
        "ends_at": shapes.iso(item.ends_at),
    }


def _participation(room: RoomReport) -> dict[str, Any]:
    part = room.participation
    return {
        "room_id": room.room.id,
        "voters": part.voters,
        "askers": part.askers,
        "mood_givers": part.mood_givers,
        "active": part.active,
    }


def export_dict(report: EventReport, timezone: str) -> dict[str, Any]:
    event = report.event
    rooms = [r.room for r in report.rooms]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": shapes.iso(report.generated_at),
        "timezone": timezone,
        **shapes.event_dict(event, rooms),
        "created_at": shapes.iso(event.created_at),
        "starts_on": event.starts_on.isoformat() if event.starts_on else None,
        "ends_on": event.ends_on.isoformat() if event.ends_on else None,
        "settings": {
            "questions_need_approval": event.questions_need_approval,
            "names_allowed": event.names_allowed,
        },
        # The event's blocklist (issue 24): read back by `live import` (absent in older files).
        "blocklist": {
            "default": event.blocklist_default,
            "entries": list(event.blocklist_added),
            "removed": list(event.blocklist_removed),
        },
        "agenda": [agenda_item_dict(i) for i in report.agenda],
        # „Ergebnisse aus den Foren“ (issue 24): every taking-part room's column.
        "forums": [column_dict(c) for c in report.forums],
        "polls": [
            {
                **shapes.poll_dict(p.poll, p.results, moderator=True),
                "agenda_item_id": p.poll.agenda_item_id,
            }
            for r in report.rooms
            for p in r.polls
        ],
        # Self-paced surveys (issue 24): each with its questions' results in order (the
        # questions are not in "polls"). Not read back by `live import`.
        "surveys": [
            {
                **survey_dict(s.survey),
                "started": s.started,
                "finished": s.finished,
                "questions": [
                    shapes.poll_dict(q.poll, q.results, moderator=True) for q in s.questions
                ],
            }
            for r in report.rooms
            for s in r.surveys
        ],
        "questions": [shapes.question_dict(q, r.room) for r in report.rooms for q in r.questions],
        # Merged duplicates (issue 24), in no list but the report's: read back by `live import`,
        # which merges them again (absent in older files).
        "merged_questions": [
            {**shapes.question_dict(q, r.room), "merged_into": q.merged_into}
            for r in report.rooms
            for q in r.merged
        ],
        "applause": [
            {
                "room_id": r.room.id,
                "levels": [[shapes.iso(at), round(level, 3)] for at, level in r.applause],
            }
            for r in report.rooms
        ],
        "mood": [
            {
                "room_id": r.room.id,
                "counts": list(r.mood_counts),
                "average": r.mood_average,
                "course": [[shapes.iso(at), average] for at, average in r.mood_course],
            }
            for r in report.rooms
        ],
        "participation": {
            "participants": report.participants,
            "active": report.active,
            "voters": report.voters,
            "rooms": [_participation(r) for r in report.rooms],
        },
    }


async def export_event(store: Store, event: Event, now: datetime, timezone: str) -> dict[str, Any]:
    """The complete export of ``event``: the report's document with the records."""
    report = await gather(store, event, now)
    return await add_records(store, event, export_dict(report, timezone))
