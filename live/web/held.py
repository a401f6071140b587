"""What a page's action (an htmx form post) answers from: the state the room's channel in this
process last read for its sockets, not a fresh read of the whole room. A vote from a page was
about 19 store calls with the room re-read for its answer, against 2 on the JSON socket
(docs/benchmarks.md, issue 18); now it is the write and the participant's own ballots.

The answer shows the last tick's state plus what the action itself changed for this participant
(its ballot, its question); everything else, e.g. the counts including this vote, follows with
the next tick's push on the page socket, within a tick. Lookups of the event and the room may be
as old as ``ACTION_MAX_AGE`` (as a socket's handshake): nothing a participant's action checks
against them can change but by deleting the event, which this process forgets at once."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from live.domain.models import Ballot, Room
from live.fanout.state import RoomState
from live.service.events import HANDSHAKE_MAX_AGE
from live.web.runtime import runtime, services

ACTION_MAX_AGE = HANDSHAKE_MAX_AGE


async def answer_state(
    request: HTTPConnection,
    room: Room,
    participant_id: str,
    *,
    ballots: bool = False,
    poll_id: str | None = None,
    cast: Ballot | None = None,
) -> RoomState:
    """The room's state for a page's answer (``RoomService.for_answer``)."""
    fanout = runtime(request).fanout
    return await services(request).rooms.for_answer(
        room,
        participant_id,
        lambda: fanout.state(room.id),
        ballots=ballots,
        poll_id=poll_id,
        cast=cast,
    )


def newest(request: HTTPConnection, state: RoomState) -> RoomState:
    """``state``, or the room's held state when the channel read a newer one meanwhile: taken
    right before an answer is rendered (after its reads), so that it does not overtake a newer
    push and stay on the page until the next change (``RoomService.for_answer``)."""
    held = runtime(request).fanout.state(state.room.id)
    return held if held is not None and held.version > state.version else state
