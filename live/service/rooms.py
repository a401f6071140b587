"""A room's whole visible state as one request sees it (a page's first render, an htmx
answer). The fan-out reads the same state per tick for every socket (live/fanout/state.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta

from live.domain.models import Ballot, Question, Room
from live.domain.pace import WINDOW as PACE_WINDOW
from live.fanout.state import RoomState, load_room_state
from live.service.clock import Clock
from live.store import Store


class RoomService:
    def __init__(
        self, store: Store, clock: Clock | None = None, pace_window: timedelta = PACE_WINDOW
    ) -> None:
        self.store = store
        self.clock = clock or Clock()
        self.pace_window = pace_window

    async def state(self, room: Room, participant_id: str | None = None) -> RoomState:
        """With a participant: including that participant's own ballots (and only those)."""
        return await load_room_state(
            self.store,
            room.id,
            None,
            False,
            None,
            ballots_of=participant_id,
            now=self.clock.now(),
            pace_window=self.pace_window,
        )

    async def for_answer(
        self,
        room: Room,
        participant_id: str,
        held: Callable[[], RoomState | None],
        *,
        ballots: bool = False,
        poll_id: str | None = None,
        cast: Ballot | None = None,
    ) -> RoomState:
        """The state a page's action answers with (an htmx fragment), without re-reading the
        room: ``held()`` is the state the room's channel last read for its sockets (the fan-out
        in this process). With ``ballots``, this participant's own ballots are read fresh (one
        store read; the answer shows the participant's new ballot at once). ``cast``: the
        ballot a vote in ``poll_id`` just stored, which spares that read when it is the only
        open poll.

        The rest is the state of the last tick: a change that happened since (e.g. the vote
        being answered, in the counts) follows with the next tick's push, which the page socket
        gets like everyone in the room. ``held()`` is asked again after the read, for the newest
        state: the answer is rendered right after, with no wait in between, so a push that is
        newer than the answer is not overtaken by it (it would stay on the page until the next
        change). A full read (``state``) only when nothing is held for the room in this process,
        or the held state does not know the poll acted on as published yet (opened after the
        last tick): the answer must not drop that poll."""
        first = held()
        if first is None or first.room.id != room.id or not _knows(first, poll_id):
            return await self.state(room, participant_id)
        if not ballots:
            return replace(first, ballots={})
        ids = [p.id for p in first.polls if p.state == "open"]
        if poll_id is not None and poll_id not in ids:
            ids.append(poll_id)
        if cast is not None and poll_id is not None and ids == [poll_id]:
            # The vote being answered is in the only open poll, and the ballot it stored is
            # known: nothing to read (this read was nine in ten of the store reads in a burst of
            # page votes, docs/benchmarks.md).
            own: Mapping[str, Ballot] = {poll_id: cast}
        else:
            own = await self.store.participant_ballots(participant_id, ids) if ids else {}
        newest = held()
        state = newest if newest is not None and newest.version >= first.version else first
        return replace(
            state,
            ballots={
                p.id: {participant_id: own[p.id]}
                for p in state.polls
                if p.state == "open" and p.id in own
            },
        )


def _knows(held: RoomState, poll_id: str | None) -> bool:
    if poll_id is None:
        return True
    poll = held.poll(poll_id)
    return poll is not None and poll.state != "draft"


def with_question(state: RoomState, question: Question) -> RoomState:
    """``state`` with a question just asked (the held state may be older than it)."""
    if any(q.id == question.id for q in state.questions):
        return state
    return replace(state, questions=(*state.questions, question))


def without_question(state: RoomState, question_id: str) -> RoomState:
    """``state`` without a question just deleted."""
    return replace(state, questions=tuple(q for q in state.questions if q.id != question_id))
