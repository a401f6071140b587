"""The whole event as the report needs it, read from the store once (see gather.py).

Pure, immutable records. Participant ids never get in here: participation is counted while
gathering and only the numbers are kept, so no renderer can leak who did what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from live.domain import ideas as idea_rules
from live.domain import polls as poll_rules
from live.domain import questions as qa_rules
from live.domain.forums import ForumColumn
from live.domain.models import (
    AgendaItem,
    Event,
    Idea,
    Poll,
    Question,
    QuestionState,
    Results,
    Room,
    Survey,
)

# Questions the report publishes. Pending ones were never seen by the audience and hidden ones
# were removed by a moderator on purpose: neither belongs in a document that gets passed on.
# Archived ones were public before (approved or answered) and so are part of the record.
PUBLISHED_STATES: tuple[QuestionState, ...] = ("approved", "answered", "archived")

Sample = tuple[datetime, float]


@dataclass(frozen=True, slots=True)
class PollReport:
    poll: Poll
    results: Results


@dataclass(frozen=True, slots=True)
class SurveyReport:
    """A self-paced survey (issue 24) with its questions' results, in the survey's order."""

    survey: Survey
    questions: tuple[PollReport, ...]
    started: int  # participants with at least one answer
    finished: int  # participants who answered every question


@dataclass(frozen=True, slots=True)
class Participation:
    """Distinct participants per activity (a person voting in three polls counts once)."""

    voters: int = 0
    askers: int = 0
    mood_givers: int = 0
    active: int = 0  # did at least one of the three


@dataclass(frozen=True, slots=True)
class RoomReport:
    room: Room
    agenda: tuple[AgendaItem, ...]  # the room's program, by start
    polls: tuple[PollReport, ...]  # every poll, oldest first (drafts too: the export has them)
    questions: tuple[Question, ...]  # every question in every state (filter with ``published``)
    applause: tuple[Sample, ...]  # (second, level 0..1), only seconds with applause, in order
    mood_course: tuple[Sample, ...]  # the room's mood average after each change, in order
    mood_counts: tuple[int, int, int, int, int]  # latest mood per participant: how many 1..5
    mood_average: float | None
    participation: Participation
    # The duplicates merged into other questions (issue 24), oldest first; they are in no list
    # but this one.
    merged: tuple[Question, ...] = ()
    # Pace and technics feedback: (moment, counts of too_fast, too_slow, av_problem) after every
    # change and decay (live.domain.pace.timeline), in order.
    pace_course: tuple[tuple[datetime, tuple[int, int, int]], ...] = ()
    # The room's idea board (issue 24): every idea in every state, authors blanked.
    ideas: tuple[Idea, ...] = ()
    # The room's surveys that were opened (issue 24), oldest first; their questions are not in
    # ``polls``.
    surveys: tuple[SurveyReport, ...] = ()

    def duplicates_of(self, question_id: str) -> list[Question]:
        """The duplicates merged into this question, also those merged into one of them
        before (a chain ends at the question still listed), oldest first."""
        parent = {q.id: q.merged_into for q in self.merged}

        def final(qid: str) -> str | None:
            seen: set[str] = set()
            while qid in parent and qid not in seen:
                seen.add(qid)
                qid = parent[qid] or ""
            return qid

        return [q for q in self.merged if final(q.id) == question_id]

    @property
    def published(self) -> list[Question]:
        """The questions the report shows, most upvoted first."""
        return qa_rules.ordered((q for q in self.questions if q.state in PUBLISHED_STATES), "votes")

    @property
    def published_ideas(self) -> list[Idea]:
        """The approved ideas the report shows: marked first, then by upvotes."""
        return idea_rules.ordered(i for i in self.ideas if i.state == "approved")

    @property
    def unpublished(self) -> int:
        return sum(1 for q in self.questions if q.state not in PUBLISHED_STATES)

    @property
    def shown_polls(self) -> list[PollReport]:
        """Polls that were opened at some point (a draft nobody saw has nothing to report)."""
        return [p for p in self.polls if poll_rules.published(p.poll)]


@dataclass(frozen=True, slots=True)
class EventReport:
    event: Event
    rooms: tuple[RoomReport, ...]
    participants: int  # identities that joined the event
    active: int  # distinct participants who voted, asked or set a mood in any room
    generated_at: datetime
    voters: int = 0  # distinct participants who voted in any poll of any room
    # „Ergebnisse aus den Foren“ (issue 24): every taking-part room's column, with all its
    # marked ideas (live/domain/forums.py).
    forums: tuple[ForumColumn, ...] = ()

    @property
    def agenda(self) -> list[AgendaItem]:
        return sorted(
            (item for room in self.rooms for item in room.agenda),
            key=lambda i: (i.starts_at, i.id),
        )

    def poll(self, poll_id: str) -> PollReport | None:
        """An ordinary poll or a survey's question."""
        every = (
            p for r in self.rooms for p in (*r.polls, *(q for s in r.surveys for q in s.questions))
        )
        return next((p for p in every if p.poll.id == poll_id), None)

    def room_of(self, room_id: str) -> RoomReport | None:
        return next((r for r in self.rooms if r.room.id == room_id), None)
