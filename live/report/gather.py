"""Read everything the report needs from the store, once per request.

The only part of the report with I/O. It reduces what it reads right away: participant ids
become counts, the mood log becomes the room's course, so the records in data.py never hold
anything personal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from live.domain import mood as mood_rules
from live.domain import pace as pace_rules
from live.domain import polls as poll_rules
from live.domain import surveys as survey_rules
from live.domain.blocklist import Blocklist, for_event
from live.domain.forums import ForumColumn, forum_columns
from live.domain.models import AgendaItem, Ballot, Event, Room, Survey
from live.report.data import EventReport, Participation, PollReport, RoomReport, SurveyReport
from live.store import Store


async def gather(
    store: Store, event: Event, now: datetime, pace_window: timedelta = pace_rules.WINDOW
) -> EventReport:
    rooms = await store.list_rooms(event.code)
    agenda = await store.list_agenda(event.code)
    participants = await store.participant_count(event.code)
    everyone: set[str] = set()
    all_voters: set[str] = set()
    reports = []
    for room in rooms:
        report, active, voters = await _room(store, room, agenda, for_event(event), pace_window)
        reports.append(report)
        everyone |= active
        all_voters |= voters
    return EventReport(
        event=event,
        rooms=tuple(reports),
        participants=participants,
        active=len(everyone),
        generated_at=now,
        voters=len(all_voters),
        forums=_forums(rooms, reports),
    )


def _forums(rooms: list[Room], reports: list[RoomReport]) -> tuple[ForumColumn, ...]:
    """The forums' results from what the rooms' reports hold (no read of their own): their
    polls and ideas, every marked idea, not only the wall's first ones."""
    polls = {r.room.id: [p.poll for p in r.polls] for r in reports}
    results = {p.poll.id: p.results for r in reports for p in r.polls}
    ideas = {r.room.id: list(r.ideas) for r in reports}
    return forum_columns(rooms, polls, results, ideas, idea_limit=None)


async def _room(
    store: Store,
    room: Room,
    agenda: Iterable[AgendaItem],
    blocklist: Blocklist,
    pace_window: timedelta,
) -> tuple[RoomReport, set[str], set[str]]:
    """The room's report, and who was active in it and who voted (ids, counted by gather)."""
    polls = await store.list_polls(room.id)
    polls_with_results = [
        PollReport(poll, poll_rules.results(poll, await store.tally(poll), blocklist))
        for poll in polls
    ]
    by_id = {p.poll.id: p for p in polls_with_results}
    ballots = await store.ballots([p.id for p in polls]) if polls else {}
    surveys = [
        _survey(survey, by_id, ballots)
        for survey in await store.list_surveys(room.event_code)
        if survey.room_id == room.id and survey.state != "draft"
    ]
    voters = {pid for by_participant in ballots.values() for pid in by_participant}
    questions = await store.list_questions(room.id)
    merged = await store.merged_questions(room.id)
    askers = {q.participant_id for q in (*questions, *merged)}
    log = await store.mood_log(room.id)
    mood_givers = {pid for _at, pid, _value in log}
    latest = {pid: value for _at, pid, value in log}  # the log is in order: the last one counts
    reading = mood_rules.mood_reading(latest.values())
    applause = await store.applause_timeline(room.id)
    pace_course = pace_rules.timeline(await store.pace_log(room.id), pace_window)
    ideas = await store.ideas(room.id)
    # Posting an idea is taking part (counted in ``active``, not as asking).
    active = voters | askers | mood_givers | {i.participant_id for i in ideas}
    report = RoomReport(
        room=room,
        agenda=tuple(i for i in agenda if i.room_id == room.id),
        # A survey's questions are reported inside their survey.
        polls=tuple(p for p in polls_with_results if p.poll.survey_id is None),
        # The author is only kept so they may delete their own question: not report material.
        questions=tuple(replace(q, participant_id="", co_authors=()) for q in questions),
        applause=tuple(applause),
        mood_course=tuple(mood_rules.course(log)),
        mood_counts=reading.counts,
        mood_average=reading.average,
        participation=Participation(
            voters=len(voters),
            askers=len(askers),
            mood_givers=len(mood_givers),
            active=len(active),
        ),
        merged=tuple(replace(q, participant_id="", co_authors=()) for q in merged),
        pace_course=tuple(pace_course),
        ideas=tuple(replace(i, participant_id="") for i in ideas),
        surveys=tuple(surveys),
    )
    return report, active, voters


def _survey(
    survey: Survey,
    polls: Mapping[str, PollReport],
    ballots: Mapping[str, Mapping[str, Ballot]],
) -> SurveyReport:
    progress = survey_rules.progress(survey, ballots)
    return SurveyReport(
        survey=survey,
        questions=tuple(polls[i] for i in survey.poll_ids if i in polls),
        started=progress.started,
        finished=progress.finished,
    )
