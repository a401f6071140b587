"""Poll use cases: create, open (one open poll per room unless the room allows several; the next
one of the run sheet), close, results, and the vote itself (the hot path of a burst).

Every write goes: domain rule → store (durable) → hub.publish ("the room changed").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

from live.domain import blocklist
from live.domain import forums as forum_rules
from live.domain import polls as rules
from live.domain import surveys as survey_rules
from live.domain.errors import DomainError
from live.domain.models import Ballot, Event, Poll, Results, Room
from live.domain.run_sheet import next_poll, run_sheet
from live.domain.text import _n
from live.errors import Forbidden, NotFound
from live.hub import Hub
from live.ids import Ids
from live.service.changes import publish_change, publish_forums_change
from live.service.clock import Clock
from live.service.meter import NO_METER, WriteMeter, counts_refusals
from live.service.reads import ReadsInFlight
from live.service.requests import WriteResult, already_done, check_request_id
from live.store import JoinedAfterOpening, PollNotOpen, Store

# Bound of the ballot-shape cache (cleared whole when exceeded: simple, and rare).
SHAPES_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class _Answer:
    """A participant's input as it came, for domain.polls.make_ballot."""

    choices: object
    value: object
    text: object
    texts: object
    ranking: object = None
    points: object = None

    def ballot(self, poll: Poll) -> Ballot:
        return rules.make_ballot(
            poll,
            choices=self.choices,
            value=self.value,
            text=self.text,
            texts=self.texts,
            ranking=self.ranking,
            points=self.points,
        )


@dataclass(frozen=True, slots=True)
class Opening:
    """A poll just opened, and the polls of its room that closed with it (oldest first; empty
    when none was open, or the room allows parallel polls)."""

    poll: Poll
    closed: tuple[Poll, ...] = ()


JOINED_AFTER_OPENING = _n(
    "An dieser Abstimmung können nur Teilnehmende mitmachen, die vor ihrem Öffnen beigetreten "
    "sind. Ihre Stimme wurde nicht gezählt."
)


def _not_in_survey(poll: Poll) -> None:
    """A survey's question opens and closes with its survey only."""
    if poll.survey_id is not None:
        msg = _n("Diese Frage gehört zu einer Umfrage: Sie öffnen und beenden sie mit der Umfrage.")
        raise DomainError("poll_in_survey", msg)


def poll_not_found() -> NotFound:
    return NotFound("poll_not_found", _n("Diese Abstimmung gibt es nicht."))


class PollService:
    def __init__(
        self, store: Store, hub: Hub, ids: Ids, clock: Clock, meter: WriteMeter = NO_METER
    ) -> None:
        self.store = store
        self.hub = hub
        self.ids = ids
        self.clock = clock
        self.meter = meter
        self._shapes: dict[str, Poll] = {}  # poll id -> a copy for checking ballots (_ballot)
        self._reads = ReadsInFlight()

    # --- reading ----------------------------------------------------------------------------

    async def poll(self, event: Event, poll_id: object, *, moderator: bool = True) -> Poll:
        """The event's poll. Without ``moderator`` a draft is not found (it is the
        moderators' preparation: domain.polls.visible_to)."""
        poll = await self.store.get_poll(poll_id) if isinstance(poll_id, str) else None
        if poll is None or poll.event_code != event.code:
            raise poll_not_found()
        if not rules.visible_to(poll, moderator=moderator):
            raise poll_not_found()
        return poll

    async def known(self, event: Event, poll_id: object) -> Poll:
        """The poll as a participant's page may act on it, from the copy a vote is checked
        against (``_ballot``) when there is one: what never changes (question, kind, options,
        room) is right, and so is whether participants may see it at all, since a poll that
        was opened never goes back to draft. Its state may be older than the store's; the
        store checks that with the write. Drafts are not found (as ``poll(moderator=False)``)."""
        shape = self._shapes.get(poll_id) if isinstance(poll_id, str) else None
        if shape is not None and shape.event_code == event.code and rules.published(shape):
            return shape
        # The first votes after a poll opens come in hundreds at once: one read for them all.
        read = partial(self.poll, event, poll_id, moderator=False)
        poll = await (
            self._reads.once((event.code, poll_id), read) if isinstance(poll_id, str) else read()
        )
        self._keep(poll)
        return poll

    async def polls(self, room: Room) -> list[Poll]:
        """The room's ordinary polls (a survey's questions are the survey's)."""
        return list(survey_rules.ordinary(await self.store.list_polls(room.id)))

    async def of_rooms(self, rooms: list[Room]) -> list[Poll]:
        """Every ordinary poll of these rooms, room by room (oldest first within a room)."""
        found: list[Poll] = []
        for room in rooms:
            found.extend(await self.polls(room))
        return found

    async def results(self, poll: Poll, event: Event) -> Results:
        """With the answers the event's blocklist holds back left out of the cloud."""
        return rules.results(poll, await self.store.tally(poll), blocklist.for_event(event))

    # --- moderators -------------------------------------------------------------------------

    async def create(
        self,
        event: Event,
        room: Room,
        *,
        question: object,
        kind: object,
        options: object,
        scale_min: object = None,
        scale_max: object = None,
        visibility: object = "after_vote",
        screen_results: object = "live",
        max_answers: object = None,
        joined_before_only: object = False,
        max_ranked: object = None,
        budget: object = None,
        scale_min_label: object = None,
        scale_max_label: object = None,
        agenda_item_id: str | None = None,
    ) -> Poll:
        """``agenda_item_id``: the agenda item the poll is prepared for, already checked to be
        the event's and to run in ``room`` (ProgramService.item_for_poll)."""
        poll = rules.new_poll(
            poll_id=self.ids.object_id(),
            event_code=event.code,
            room_id=room.id,
            question=question,
            kind=kind,
            options=options,
            scale_min=scale_min,
            scale_max=scale_max,
            visibility=visibility,
            screen_results=screen_results,
            max_answers=max_answers,
            joined_before_only=joined_before_only,
            max_ranked=max_ranked,
            budget=budget,
            scale_min_label=scale_min_label,
            scale_max_label=scale_max_label,
            now=self.clock.now(),
        )
        if agenda_item_id is not None:
            poll = replace(poll, agenda_item_id=agenda_item_id)
        version = await self.store.add_poll(poll)
        await publish_change(self.hub, room.id, "poll.created", version, poll=poll.id)
        return poll

    async def open(self, event: Event, poll_id: object) -> Poll:
        return (await self.opening(event, poll_id)).poll

    async def opening(self, event: Event, poll_id: object) -> Opening:
        """Open the poll; unless its room allows parallel polls, the room's open poll closes in
        the same step (the store does both atomically). Says which polls it closed."""
        return await self._open(await self.poll(event, poll_id))

    async def open_next(self, event: Event, room: Room) -> Opening:
        """Open the room's next prepared poll of the run sheet (live/domain/run_sheet.py), as
        ``opening`` does. DomainError no_next_poll (409) when there is none."""
        sheet = run_sheet(room.id, await self.store.list_agenda(event.code), await self.polls(room))
        poll = next_poll(sheet)
        if poll is None:
            raise DomainError("no_next_poll", _n("Es gibt keine weitere vorbereitete Abstimmung."))
        return await self._open(poll)

    async def _open(self, poll: Poll) -> Opening:
        _not_in_survey(poll)
        opened = rules.open_poll(poll, self.clock.now())
        if opened == poll:
            return Opening(poll)  # idempotent: opening an open poll changes nothing
        outcome = await self.store.open_poll(opened)
        closed = [p for p in [await self.store.get_poll(i) for i in outcome.closed] if p]
        closed.sort(key=lambda p: (p.created_at, p.id))
        # Each poll's own notice, as a close and an open send them (phones drop the closed one).
        for done in closed:
            await publish_change(
                self.hub, poll.room_id, "poll.updated", outcome.version, poll=done.id
            )
        await publish_change(
            self.hub, poll.room_id, "poll.updated", outcome.version, poll=opened.id
        )
        await self._forums_follow(poll.event_code, (opened, *closed))
        # Opening puts the poll on the projector (the store pointed the screen at it and back
        # to "auto"): a highlighted question steps aside.
        room = await self.store.get_room(poll.room_id)
        if room is not None and room.highlighted_question_id is not None:
            version = await self.store.set_highlight(room.id, None)
            await publish_change(self.hub, room.id, "questions.updated", version)
        return Opening(opened, tuple(closed))

    async def close(self, event: Event, poll_id: object) -> Poll:
        poll = await self.poll(event, poll_id)
        _not_in_survey(poll)
        return await self._save(poll, rules.close_poll(poll, self.clock.now()))

    async def set_visibility(self, event: Event, poll_id: object, visibility: object) -> Poll:
        poll = await self.poll(event, poll_id)
        return await self._save(poll, rules.set_visibility(poll, visibility))

    async def set_screen_results(
        self, event: Event, poll_id: object, screen_results: object
    ) -> Poll:
        poll = await self.poll(event, poll_id)
        return await self._save(poll, rules.set_screen_results(poll, screen_results))

    async def change_settings(
        self, event: Event, poll_id: object, settings: Mapping[str, object]
    ) -> Poll:
        """The settings named in ``settings`` ("visibility", "screen_results",
        "joined_before_only"; other keys are ignored) at once: every value is checked before
        anything is stored, so one bad value changes nothing."""
        poll = await self.poll(event, poll_id)
        changed = poll
        if "visibility" in settings:
            changed = rules.set_visibility(changed, settings["visibility"])
        if "screen_results" in settings:
            changed = rules.set_screen_results(changed, settings["screen_results"])
        if "joined_before_only" in settings:
            changed = rules.set_joined_before_only(changed, settings["joined_before_only"])
        return await self._save(poll, changed)

    async def hide(
        self, event: Event, poll_id: object, kind: object, entry: object, *, hidden: bool = True
    ) -> Poll:
        """Take a word or an answer (``kind``) out of the text poll's word cloud, or (``hidden``
        False) put it back. Results for everyone leave it out from the next read on. Returns
        the poll as stored now."""
        poll = await self.poll(event, poll_id)
        checked, key, shown = rules.hidden_entry(poll, kind, entry)
        version = await self.store.set_hidden(poll.id, checked, key, shown, hidden)
        await publish_change(self.hub, poll.room_id, "poll.updated", version, poll=poll.id)
        return await self.poll(event, poll.id)

    async def _save(self, before: Poll, after: Poll) -> Poll:
        if after == before:
            return before  # idempotent: opening an open poll changes nothing, publishes nothing
        version = await self.store.update_poll(after)
        await publish_change(self.hub, after.room_id, "poll.updated", version, poll=after.id)
        if after.state != before.state:
            await self._forums_follow(after.event_code, (after,))
        return after

    async def _forums_follow(self, code: str, changed: Sequence[Poll]) -> None:
        """A ranking poll that is a forum's source was closed or opened: the rooms showing
        the forums' results read them again (live/domain/forums.py). Other polls cost no read."""
        ranking = [p for p in changed if p.kind == "ranking"]
        if not ranking:
            return
        rooms = await self.store.list_rooms(code)
        if any(forum_rules.is_source(p, rooms) for p in ranking):
            await publish_forums_change(self.hub, rooms)

    # --- participants -----------------------------------------------------------------------

    @counts_refusals("vote")
    async def vote(
        self,
        event: Event,
        participant_id: str,
        poll_id: object,
        *,
        choices: object = None,
        value: object = None,
        text: object = None,
        texts: object = None,
        ranking: object = None,
        points: object = None,
        request_id: object = None,
        room_id: str | None = None,
    ) -> WriteResult:
        """Validate, store durably, then publish. A repeated request_id is acknowledged again
        without counting twice (the store decides atomically) — also when the poll has closed
        since the first delivery, because the client only lost our ack, not its vote.

        ``room_id``: a room's socket votes only in that room's polls."""
        key = check_request_id(request_id)
        try:
            answer = _Answer(choices, value, text, texts, ranking, points)
            poll, ballot = await self._ballot(event, poll_id, room_id, answer)
            try:
                outcome = await self.store.cast_vote(poll.id, participant_id, ballot, key)
            except JoinedAfterOpening:
                raise Forbidden("joined_after_opening", JOINED_AFTER_OPENING) from None
            except PollNotOpen as exc:
                # Closed between our read and the write: the store refused atomically.
                if exc.state == "closed":
                    raise DomainError(
                        "poll_closed", _n("Diese Abstimmung ist bereits beendet.")
                    ) from None
                raise DomainError(
                    "poll_not_open", _n("Diese Abstimmung ist noch nicht geöffnet.")
                ) from None
        except DomainError:
            if await already_done(self.store, participant_id, request_id):
                return WriteResult(False, None)
            raise
        if outcome.applied:
            self.meter.wrote("vote")
            await publish_change(
                self.hub, poll.room_id, "poll.voted", outcome.version, poll=poll.id
            )
        return WriteResult(outcome.applied, outcome.version, ballot if outcome.applied else None)

    async def _ballot(
        self,
        event: Event,
        poll_id: object,
        room_id: str | None,
        answer: _Answer,
    ) -> tuple[Poll, Ballot]:
        """The poll and the validated ballot. A poll's question, kind, options and scale never
        change after it was created, so a vote is checked against a copy kept from an earlier
        read, taken as open: the store checks the real state atomically with the write (a
        read per vote was a fifth of the CPU of a vote burst). Input the copy refuses goes the
        slow way, so errors stay exactly what a fresh read gives."""
        shape = self._shapes.get(poll_id) if isinstance(poll_id, str) else None
        if (
            shape is not None
            and shape.event_code == event.code
            and (room_id is None or shape.room_id == room_id)
        ):
            try:
                as_open = replace(shape, state="open")
                return shape, answer.ballot(as_open)
            except DomainError:
                pass
        poll = await self.poll(event, poll_id)
        if room_id is not None and poll.room_id != room_id:
            raise poll_not_found()
        self._keep(poll)
        return poll, answer.ballot(poll)

    def _keep(self, poll: Poll) -> None:
        if len(self._shapes) > SHAPES_LIMIT:
            self._shapes.clear()
        self._shapes[poll.id] = poll

    def forget(self, code: str) -> None:
        """Drop the kept copies of a deleted event's polls."""
        for poll_id in [p for p, poll in self._shapes.items() if poll.event_code == code]:
            del self._shapes[poll_id]
