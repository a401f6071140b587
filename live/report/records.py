"""What the export needs besides the report to re-create the event elsewhere (`live import`,
live/domain/transfer.py reads it back): every participant under a pseudonym, each poll's
ballots, each question's author, upvoters and co-authors (the authors of duplicates merged
into it), the mood log, the projectors' state, the logo.

Pseudonyms: "p-1", "p-2", … numbered by when the participant joined (unknown first, then by id),
so an event imported and exported again gets the same ones. Participant ids and tokens never
leave the server; the pseudonyms link a person's ballots, questions and moods within this one
document only.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any, cast

import orjson

from live.domain.models import Ballot, Event, Room
from live.store import Store
from live.store.sqlite_schema import encode_ballot
from live.views import api as shapes


async def add_records(store: Store, event: Event, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (export_dict's document of ``event``) with the records added."""
    rooms = await store.list_rooms(event.code)
    listed = await store.list_participants(event.code)
    ballots = {p["id"]: await store.poll_ballots(p["id"]) for p in doc["polls"]}
    questions = [q for room in rooms for q in await store.list_questions(room.id)]
    questions += [q for room in rooms for q in await store.merged_questions(room.id)]
    upvoters = await store.upvoters([q.id for q in questions]) if questions else {}
    moods = {room.id: await store.mood_log(room.id) for room in rooms}
    paces = {room.id: await store.pace_log(room.id) for room in rooms}
    ideas = await store.event_ideas(event.code)
    idea_upvoters = await store.idea_upvoters([i.id for i in ideas]) if ideas else {}
    # Anyone found in a record but not among the participants (only a damaged store has
    # such) still gets a pseudonym, after the listed ones.
    seen = {pid for pid, _ in listed}
    found = {pid for entries in ballots.values() for pid, _ in entries}
    found |= {q.participant_id for q in questions} | {p for s in upvoters.values() for p in s}
    found |= {p for q in questions for p in q.co_authors}
    found |= {pid for log in moods.values() for _, pid, _ in log}
    found |= {pid for log in paces.values() for pid, _, _ in log}
    found |= {i.participant_id for i in ideas} | {p for s in idea_upvoters.values() for p in s}
    extra = [(pid, None) for pid in sorted(found - seen)]
    number = {pid: n for n, (pid, _) in enumerate([*listed, *extra], start=1)}

    def alias(pid: str) -> str:
        return f"p-{number[pid]}"

    def by_number(pids: Iterable[str]) -> list[str]:
        return [alias(p) for p in sorted(pids, key=number.__getitem__)]

    polls = []
    for poll in doc["polls"]:
        entries = ballots[poll["id"]]
        if poll["kind"] != "text":  # only a text poll's order matters (its newest answers)
            entries = sorted(entries, key=lambda entry: number[entry[0]])
        votes = [
            {"participant": alias(pid), **orjson.loads(encode_ballot(b))} for pid, b in entries
        ]
        polls.append({**poll, "ballots": votes})
    authors = {q.id: q.participant_id for q in questions}
    co_authors = {q.id: q.co_authors for q in questions}

    def question_records(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **q,
                "author": alias(authors[q["id"]]),
                "upvoters": by_number(upvoters.get(q["id"], ())),
                # `live import` derives them again by merging; here for the reader.
                "co_authors": by_number(co_authors[q["id"]]),
            }
            for q in listed
        ]

    logo = await store.get_logo(event.code)
    return {
        **doc,
        "participants": [
            {"id": alias(pid), "joined_at": shapes.iso(at)} for pid, at in [*listed, *extra]
        ],
        "polls": polls,
        "questions": question_records(doc["questions"]),
        "merged_questions": question_records(doc["merged_questions"]),
        "mood": [
            {
                **m,
                "log": [
                    [shapes.iso(at), alias(pid), value] for at, pid, value in moods[m["room_id"]]
                ],
            }
            for m in doc["mood"]
        ],
        # Pace and technics feedback (issue 24): every signal, for the report's timeline.
        "pace": [
            {
                "room_id": room.id,
                "log": [[shapes.iso(at), alias(pid), value] for pid, value, at in paces[room.id]],
            }
            for room in rooms
        ],
        # The rooms' idea boards (issue 24): every idea with its author and upvoters.
        "ideas": [
            {
                "id": i.id,
                "room_id": i.room_id,
                "author": alias(i.participant_id),
                "text": i.text,
                "state": i.state,
                "created_at": shapes.iso(i.created_at),
                "marked": i.marked,
                "upvoters": by_number(idea_upvoters.get(i.id, ())),
            }
            for i in ideas
        ],
        "screens": [_screen(room) for room in rooms],
        "logo": None
        if logo is None
        else {"media_type": logo.media_type, "data": base64.b64encode(logo.data).decode()},
    }


def _ballot(ballot: Ballot) -> dict[str, Any]:
    """The fields the ballot uses, as the stores keep it ({"choices": [0, 2]})."""
    return cast("dict[str, Any]", orjson.loads(encode_ballot(ballot)))


def _screen(room: Room) -> dict[str, Any]:
    return {
        "room_id": room.id,
        "mode": room.screen_mode,
        "poll_id": room.screen_poll_id,
        "question_id": room.highlighted_question_id,
        # The room's part in the forums' results (issue 24).
        "forum_shown": room.forum_shown,
        "forum_poll_id": room.forum_poll_id,
    }
