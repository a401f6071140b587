"""The room socket's questions in JSON (docs/api.md "Questions at scale", issue 21).

A room may hold 10,000 questions, so neither a snapshot nor an update carries them all:

- Each question the reader may see is a region of its own (key ``q:<id>``), so the fan-out's diff
  sends a socket only the questions that changed since it was last sent, each as
  ``{"type": "questions", "version", "questions": [question], "removed": [], "complete": false}``.
  A queued frame for a question is superseded by a newer one for the same question only.
- A question the reader may no longer see (deleted, hidden, archived, or for the public still
  pending) is a tombstone region with body ``GONE``: sockets that were sent it get
  ``"removed": [id]``; a socket that never had it gets nothing (live/fanout/diff.py).
- The snapshot holds the reader's own questions and then the top of what they see (by votes),
  at most SNAPSHOT_LIMIT and SNAPSHOT_BYTES of them, with ``questions_total`` and
  ``questions_complete``; the rest is paged with ``GET …/questions``.

Every frame stays far below the 64 KiB frame limit: one question is at most about 19 KB of JSON
(500 characters of text, 4,000 of answer, 60 of name, 40 of label, 4 bytes each at worst). The
snapshot's room carries the event's labels besides: at most 20 of 40 characters, about 3.3 KB.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from live.domain import questions as qa_rules
from live.domain.models import Question
from live.fanout.state import RoomState
from live.fanout.types import GONE, Region
from live.views import api

# At most this many questions in a snapshot, and at most this many bytes of them.
SNAPSHOT_LIMIT = 200
SNAPSHOT_BYTES = 48 * 1024


@dataclass(slots=True)
class _Bodies:
    """One room's question JSON by question object, kept from one tick to the next: a tick
    re-reads only the questions that changed, the others are the same objects."""

    state: RoomState | None = None
    now: dict[int, tuple[Question, bool, str]] = field(default_factory=dict)
    before: dict[int, tuple[Question, bool, str]] = field(default_factory=dict)


class QuestionBodies:
    """Question JSON (``api.question_dict``) encoded once per question and change, not once per
    tick: a room of 10,000 questions would otherwise encode megabytes on every upvote."""

    def __init__(self) -> None:
        self._rooms: dict[str, _Bodies] = {}

    def body(self, state: RoomState, question: Question) -> str:
        room = self._rooms.get(state.room.id)
        if room is None:
            room = self._rooms[state.room.id] = _Bodies()
        if room.state is not state:
            # A new tick: what the last one used stays, the rest is dropped.
            room.state, room.before, room.now = state, room.now, {}
        highlighted = state.room.highlighted_question_id == question.id
        hit = room.now.get(id(question)) or room.before.get(id(question))
        if hit is None or hit[0] is not question or hit[1] != highlighted:
            hit = (question, highlighted, api.dumps(api.question_dict(question, state.room)))
        room.now[id(question)] = hit
        return hit[2]

    def forget(self, room_id: str) -> None:
        self._rooms.pop(room_id, None)


def _frame(version: int, changed: str, removed: str) -> str:
    return (
        f'{{"type":"questions","version":{version},"questions":[{changed}],'
        f'"removed":[{removed}],"complete":false}}'
    )


def question_region(state: RoomState, question_id: str, body: str) -> Region:
    return Region(f"q:{question_id}", _frame(state.version, body, ""), body)


def gone_region(state: RoomState, question_id: str) -> Region:
    return Region(
        f"q:{question_id}", _frame(state.version, "", orjson.dumps(question_id).decode()), GONE
    )


def question_regions(state: RoomState, bodies: QuestionBodies, *, moderator: bool) -> list[Region]:
    """Every question of the room as a moderator (all) or the public (approved and answered)
    sees it; the others, and the deleted ones, as tombstones."""
    regions = []
    for q in state.questions:
        if moderator or q.state in qa_rules.PUBLIC_STATES:
            regions.append(question_region(state, q.id, bodies.body(state, q)))
        else:
            regions.append(gone_region(state, q.id))
    regions.extend(gone_region(state, qid) for qid in sorted(state.gone))
    return regions


def with_own(
    state: RoomState, bodies: QuestionBodies, public: list[Region], own: Iterable[Question]
) -> list[Region]:
    """The public regions with the participant's own pending questions in place of their
    tombstones (the author sees their question while it waits)."""
    mine = {f"q:{q.id}": question_region(state, q.id, bodies.body(state, q)) for q in own}
    if not mine:
        return public
    return [mine.pop(r.key, r) for r in public] + list(mine.values())


def snapshot_questions(
    state: RoomState, bodies: QuestionBodies, *, moderator: bool, participant_id: str | None
) -> dict[str, Any]:
    """The snapshot's ``questions`` (encoded already), ``questions_total`` and
    ``questions_complete``: the reader's own questions first, then what the reader sees by
    votes (as ``GET …/questions`` lists it), within SNAPSHOT_LIMIT and SNAPSHOT_BYTES."""
    visible = [
        q
        for q in state.questions
        if qa_rules.visible_to(q, participant_id=participant_id, moderator=moderator)
    ]
    own = [q for q in visible if qa_rules.is_own(q, participant_id)]
    own_ids = {q.id for q in own}
    listed = own + [q for q in qa_rules.ordered(visible, "votes") if q.id not in own_ids]
    chosen: list[str] = []
    size = 0
    for q in listed[:SNAPSHOT_LIMIT]:
        body = bodies.body(state, q)
        length = len(body.encode()) + 1
        if size + length > SNAPSHOT_BYTES:
            break
        chosen.append(body)
        size += length
    return {
        "questions": orjson.Fragment("[" + ",".join(chosen) + "]"),
        "questions_total": len(visible),
        "questions_complete": len(chosen) == len(visible),
    }
