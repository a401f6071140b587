"""The idea board's use cases (issue 24 item 3): post, upvote, moderate, mark, switch the
board. Same shape as the Q&A (questions.py): domain rule → store (durable, atomic) →
hub.publish ("ideas.updated": the room's fan-out re-reads its ideas)."""

from __future__ import annotations

from live.domain import ideas as rules
from live.domain.errors import DomainError
from live.domain.models import Event, Idea, Room
from live.domain.text import _n
from live.errors import NotFound
from live.hub import Hub
from live.ids import Ids
from live.service.changes import publish_change
from live.service.clock import Clock
from live.service.forums import follow_idea
from live.service.meter import NO_METER, WriteMeter, counts_refusals
from live.service.requests import WriteResult, already_done, check_request_id
from live.store import Store
from live.store.base import IdeaClosed, TooManyMarked

CHANGED = "ideas.updated"


def _not_found() -> NotFound:
    return NotFound("idea_not_found", _n("Diese Idee gibt es nicht."))


class IdeaService:
    def __init__(
        self, store: Store, hub: Hub, ids: Ids, clock: Clock, meter: WriteMeter = NO_METER
    ) -> None:
        self.store = store
        self.hub = hub
        self.ids = ids
        self.clock = clock
        self.meter = meter

    # --- reading ----------------------------------------------------------------------------

    async def idea(self, event: Event, idea_id: object, room_id: str | None = None) -> Idea:
        """The idea of this event (and room, when given); NotFound otherwise."""
        found = await self.store.get_idea(idea_id) if isinstance(idea_id, str) else None
        if found is None or found.event_code != event.code:
            raise _not_found()
        if room_id is not None and found.room_id != room_id:
            raise _not_found()
        return found

    async def in_room(self, room: Room) -> list[Idea]:
        return await self.store.ideas(room.id)

    async def upvoted_by(self, participant_id: str, ideas: list[Idea]) -> set[str]:
        return await self.store.idea_upvoted_by(participant_id, [i.id for i in ideas])

    # --- participants -----------------------------------------------------------------------

    @counts_refusals("idea")
    async def post(
        self,
        event: Event,
        room: Room,
        participant_id: str,
        *,
        text: object,
        request_id: object = None,
    ) -> tuple[Idea, WriteResult]:
        """A new idea (pending or approved as the event's Q&A, or held by the blocklist) on an
        open board; a repeated request_id is acknowledged again without a second idea."""
        key = check_request_id(request_id)
        idea = rules.new_idea(
            idea_id=self.ids.object_id(),
            event=event,
            room_id=room.id,
            participant_id=participant_id,
            text=text,
            now=self.clock.now(),
        )
        if key is not None and await self.store.request_seen(participant_id, key):
            # A retry of a posted idea: acknowledged, even if the board closed since.
            return idea, WriteResult(False, None)
        if not room.ideas_open:
            raise rules.closed_error()
        outcome = await self.store.add_idea(idea, key)
        if outcome.applied:
            self.meter.wrote("idea")
            await publish_change(self.hub, room.id, CHANGED, outcome.version, idea=idea.id)
        return idea, WriteResult(outcome.applied, outcome.version)

    @counts_refusals("idea")
    async def set_upvote(
        self,
        event: Event,
        participant_id: str,
        idea_id: object,
        *,
        up: bool,
        request_id: object = None,
        room_id: str | None = None,
    ) -> WriteResult:
        """Upvote or withdraw; only approved ideas (of ``room_id``, when given) on an open
        board, both read now. A refused repeat of a stored request is acknowledged again
        (never counted twice)."""
        key = check_request_id(request_id)
        try:
            idea = await self.idea(event, idea_id, room_id)
            room = await self.store.get_room(idea.room_id)
            if room is None or not room.ideas_open:
                raise rules.closed_error()
            if not rules.can_upvote(idea):
                raise rules.upvote_closed_error(idea.state)
            try:
                outcome = await self.store.set_idea_upvote(idea.id, participant_id, up, key)
            except IdeaClosed as exc:
                raise rules.upvote_closed_error(exc.state) from None
        except DomainError:
            if await already_done(self.store, participant_id, request_id):
                return WriteResult(False, None)
            raise
        if outcome.applied:
            self.meter.wrote("upvote")
            await publish_change(self.hub, idea.room_id, CHANGED, outcome.version, idea=idea.id)
            # A marked idea's upvotes order the forums' results (live/service/forums.py).
            await follow_idea(self.store, self.hub, event.code, idea, idea)
        return WriteResult(outcome.applied, outcome.version)

    # --- moderators -------------------------------------------------------------------------

    async def moderate(
        self,
        event: Event,
        idea_id: object,
        *,
        state: object = None,
        marked: object = None,
        room_id: str | None = None,
        restore: bool = False,
    ) -> Idea:
        """The PATCH of the public interface: state and/or marked, both checked before anything
        is written (a bad field changes nothing). Marking an idea that is being approved in
        the same request works: the state is written first. ``restore``: any state, also
        "pending" (the console's undo)."""
        idea = await self.idea(event, idea_id, room_id)
        target = None
        if state is not None:
            target = rules.restore_state(state) if restore else rules.target_state(state)
        mark = rules.check_marked(marked) if marked is not None else None
        if mark and (target or idea.state) != "approved":
            raise rules.mark_closed_error()
        if target is not None and target != idea.state:
            version = await self.store.set_idea_state(idea.id, target)
            await publish_change(self.hub, idea.room_id, CHANGED, version, idea=idea.id)
        if mark is not None and mark != idea.marked:
            try:
                version = await self.store.set_idea_marked(idea.id, mark, rules.MAX_MARKED)
            except IdeaClosed:
                raise rules.mark_closed_error() from None
            except TooManyMarked as exc:
                raise rules.marked_full_error(exc.limit) from None
            await publish_change(self.hub, idea.room_id, CHANGED, version, idea=idea.id)
        after = await self.idea(event, idea.id)
        if after != idea:
            # Marked, unmarked, or a marked idea hidden: the forums' results follow.
            await follow_idea(self.store, self.hub, event.code, idea, after)
        return after
