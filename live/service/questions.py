"""Q&A use cases: ask, upvote, moderate. Same shape as the poll use cases (polls.py):
domain rule → store (durable, atomic) → hub.publish ("the room changed")."""

from __future__ import annotations

from dataclasses import replace

from live.domain import labels as label_rules
from live.domain import questions as rules
from live.domain import screen as screen_rules
from live.domain.errors import DomainError
from live.domain.models import Event, Question, Room
from live.domain.text import _n
from live.errors import NotFound
from live.hub import Hub
from live.ids import Ids
from live.service.changes import publish_change
from live.service.clock import Clock
from live.service.meter import NO_METER, WriteMeter, counts_refusals
from live.service.requests import WriteResult, already_done, check_request_id
from live.store import MergeRefused, QuestionClosed, Store, TooSoon
from live.store.base import QUESTION_FIELDS


class QuestionService:
    def __init__(
        self, store: Store, hub: Hub, ids: Ids, clock: Clock, meter: WriteMeter = NO_METER
    ) -> None:
        self.store = store
        self.hub = hub
        self.ids = ids
        self.clock = clock
        self.meter = meter

    # --- reading ----------------------------------------------------------------------------

    async def question(self, event: Event, question_id: object) -> Question:
        question = (
            await self.store.get_question(question_id) if isinstance(question_id, str) else None
        )
        if question is None or question.event_code != event.code:
            raise NotFound("question_not_found", _n("Diese Frage gibt es nicht."))
        return question

    async def in_room(self, room: Room) -> list[Question]:
        return await self.store.list_questions(room.id)

    async def upvoted_by(self, participant_id: str, questions: list[Question]) -> set[str]:
        return await self.store.upvoted_by(participant_id, [q.id for q in questions])

    # --- participants -----------------------------------------------------------------------

    @counts_refusals("question")
    async def ask(
        self,
        event: Event,
        room: Room,
        participant_id: str,
        *,
        text: object,
        name: object = None,
        request_id: object = None,
        label: object = None,
    ) -> tuple[Question, WriteResult]:
        """A new question (pending or approved per the event's setting). At most one per
        participant per ASK_INTERVAL, checked atomically by the store; a repeated request_id is
        acknowledged again without a second question."""
        key = check_request_id(request_id)
        now = self.clock.now()
        question = rules.new_question(
            question_id=self.ids.object_id(),
            event=event,
            room_id=room.id,
            participant_id=participant_id,
            text=text,
            name=name,
            now=now,
        )
        # The asker's pick among the event's labels (issue 24), checked like the rest.
        question = replace(question, label=label_rules.pick_label(event, label))
        try:
            outcome = await self.store.add_question(
                question,
                key,
                rules.ask_not_before(now),
            )
        except TooSoon:
            raise rules.too_fast_error() from None
        if outcome.applied:
            self.meter.wrote("question")
            await publish_change(
                self.hub, room.id, "questions.updated", outcome.version, question=question.id
            )
        return question, WriteResult(outcome.applied, outcome.version)

    @counts_refusals("upvote")
    async def set_upvote(
        self,
        event: Event,
        participant_id: str,
        question_id: object,
        *,
        up: bool,
        request_id: object = None,
        room_id: str | None = None,
        found: Question | None = None,
    ) -> WriteResult:
        """``found``: the question as the caller just read it (a page's handler, which needs
        its room first), so it is not read twice; its state is checked again by the store."""
        key = check_request_id(request_id)
        try:
            if found is not None and found.id == question_id and found.event_code == event.code:
                question = found
            else:
                question = await self.question(event, question_id)
            if room_id is not None and question.room_id != room_id:
                raise NotFound("question_not_found", _n("Diese Frage gibt es nicht."))
            if not rules.can_upvote(question):
                raise rules.upvote_closed_error(question.state)
            try:
                outcome = await self.store.set_upvote(
                    question.id,
                    participant_id,
                    up,
                    key,
                )
            except QuestionClosed as exc:
                raise rules.upvote_closed_error(exc.state) from None
        except DomainError:
            if await already_done(self.store, participant_id, request_id):
                return WriteResult(False, None)
            raise
        if outcome.applied:
            self.meter.wrote("upvote")
            await publish_change(
                self.hub,
                question.room_id,
                "questions.updated",
                outcome.version,
                question=question.id,
            )
        return WriteResult(outcome.applied, outcome.version)

    async def delete_own(
        self,
        event: Event,
        participant_id: str,
        question_id: object,
        found: Question | None = None,
    ) -> None:
        """``found``: as for ``set_upvote``."""
        if found is not None and found.id == question_id and found.event_code == event.code:
            question = found
        else:
            question = await self.question(event, question_id)
        if not rules.can_delete(question, participant_id):
            raise rules.not_author_error()
        version = await self.store.delete_question(question.id)
        await publish_change(
            self.hub, question.room_id, "questions.updated", version, question=question.id
        )

    # --- moderators -------------------------------------------------------------------------

    async def moderate(
        self,
        event: Event,
        question_id: object,
        *,
        state: object = None,
        highlighted: object = None,
        answer: object = None,
        text: object = None,
        answer_given: bool = False,
        label: object = None,
        label_given: bool = False,
    ) -> Question:
        """The PATCH of the public interface: any of state, highlighted, answer, text, label
        (``label_given``: None clears it). All are validated before anything is written, so a
        bad field changes nothing."""
        before = await self.question(event, question_id)
        after = before
        if label_given:
            after = replace(after, label=label_rules.pick_label(event, label))
        if text is not None:
            after = rules.edit_text(after, text)
        if answer_given:
            after = rules.set_answer(after, answer)
        if state is not None:
            after = rules.set_state(after, state)
        if highlighted is not None and not isinstance(highlighted, bool):
            raise DomainError(
                "invalid_highlighted", _n("„highlighted“ muss wahr oder falsch sein.")
            )
        if highlighted and not rules.can_upvote(after):  # only public questions go on the wall
            raise DomainError(
                "not_highlightable",
                _n("Nur freigegebene Fragen können hervorgehoben werden."),
            )
        changed = [f for f in QUESTION_FIELDS if getattr(after, f) != getattr(before, f)]
        if changed:
            # Only what this request changes: a concurrent edit of another field survives.
            version = await self.store.update_question(after, changed)
            await self._changed(after, version)
        if highlighted is not None:
            room = await self.store.get_room(after.room_id)
            currently = room is not None and room.highlighted_question_id == after.id
            if highlighted != currently:
                version = await self.store.set_highlight(
                    after.room_id, after.id if highlighted else None
                )
                await self._changed(after, version)
                if (
                    highlighted
                    and room is not None
                    and room.screen_mode not in ("auto", "question")
                ):
                    # "Auf die Leinwand" means it: a projector fixed on something else (a
                    # poll, the applause, a slide) switches to the question.
                    version = await self.store.set_screen_mode(room.id, "question", None)
                    await publish_change(self.hub, room.id, "screen.updated", version)
        elif after.state not in rules.PUBLIC_STATES:
            # A hidden or archived question leaves the projector.
            room = await self.store.get_room(after.room_id)
            if room is not None and room.highlighted_question_id == after.id:
                version = await self.store.set_highlight(after.room_id, None)
                await self._changed(after, version)
        return await self.question(event, after.id)

    async def give_answer(
        self, event: Event, question_id: object, answer: object, *, mark_answered: bool
    ) -> Question:
        """The answer written in the moderators' queue (not blank, ``rules.written_answer``),
        and, when asked, the question marked answered in the same step."""
        return await self.moderate(
            event,
            question_id,
            answer=rules.written_answer(answer),
            answer_given=True,
            state="answered" if mark_answered else None,
        )

    async def restore(
        self,
        event: Event,
        question_id: object,
        *,
        state: object,
        answer: object,
        highlight: object,
        screen_mode: object = None,
    ) -> Question:
        """The undo of a moderator's last action on a question: puts back its state (also
        "pending", ``rules.restore_state``), its answer and the room's highlighted question
        (``highlight``: its id, "" or None for none) as they were before the action, and the
        projector's mode (``screen_mode``) when the action had changed it ("Auf die Leinwand"
        switches a projector fixed on something else). Everything is checked before anything
        is written, so bad input changes nothing."""
        before = await self.question(event, question_id)
        after = rules.set_answer(rules.restore_state(before, state), answer)
        mode = None if screen_mode in (None, "") else screen_rules.parse_mode(screen_mode)
        shown_id = await self._highlight_to_restore(after, highlight)
        changed = [f for f in QUESTION_FIELDS if getattr(after, f) != getattr(before, f)]
        if changed:
            version = await self.store.update_question(after, changed)
            await self._changed(after, version)
        room = await self.store.get_room(after.room_id)
        if room is not None and mode is not None and room.screen_mode != mode:
            # Before the highlight: "join", "poll" and "slide" clear it in the store.
            version = await self.store.set_screen_mode(room.id, mode, None)
            await publish_change(self.hub, room.id, "screen.updated", version)
            room = await self.store.get_room(room.id)
        if room is not None and room.highlighted_question_id != shown_id:
            version = await self.store.set_highlight(room.id, shown_id)
            # The room changed (re-read every tick); no question did: no id.
            await publish_change(self.hub, room.id, "questions.updated", version)
        return await self.question(event, after.id)

    async def _changed(self, question: Question, version: int) -> None:
        """Publish a change of this one question: the fan-out re-reads only it (issue 21)."""
        await publish_change(
            self.hub, question.room_id, "questions.updated", version, question=question.id
        )

    async def _highlight_to_restore(self, restored: Question, highlight: object) -> str | None:
        """The id of the question to put back on the projector (None: none); DomainError
        unless it is a public question of the same room (as it is after the restore)."""
        if highlight is None or highlight == "":
            return None
        if highlight == restored.id:
            shown: Question | None = restored
        else:
            shown = await self.store.get_question(highlight) if isinstance(highlight, str) else None
        if shown is None or shown.room_id != restored.room_id or not rules.can_upvote(shown):
            raise DomainError(
                "not_highlightable",
                _n("Nur freigegebene Fragen können hervorgehoben werden."),
            )
        return shown.id

    async def merge(self, event: Event, target_id: object, source_id: object) -> Question:
        """Merge the duplicate ``source_id`` into ``target_id`` (issue 24): upvotes add up
        (each participant once), both authors see it as theirs, the duplicate leaves every list
        but the report's. Idempotent: a repeat answers the merged question again. Bad input
        (one question, two rooms, one merged away already) is a DomainError and changes
        nothing; the store checks it again in its atomic step (a race with another moderator).
        The target is returned; the caller checks access to its room."""
        target = await self.question(event, target_id)
        source = await self.question(event, source_id)
        if rules.check_merge(target, source):
            try:
                version = await self.store.merge_questions(target.id, source.id)
            except MergeRefused as exc:
                raise rules.merge_refused_error(exc.reason) from None
            if version is not None:
                # Both changed: the target's count and authors, the source left the lists.
                for changed in (target.id, source.id):
                    await publish_change(
                        self.hub, target.room_id, "questions.updated", version, question=changed
                    )
        return await self.question(event, target.id)

    async def duplicates(self, question: Question) -> list[Question]:
        """The questions merged straight into ``question`` (not those merged into one of
        them), oldest first: what its edit page offers to split off again."""
        merged = await self.store.merged_questions(question.room_id)
        return [q for q in merged if q.merged_into == question.id]

    async def split(self, event: Event, question_id: object) -> Question:
        """Take a merge back (issue 24): the merged duplicate ``question_id`` is in the lists
        again with the upvoters it kept at the merge; the question it went into keeps its
        upvotes and loses it as a co-author (Store.split_question). Idempotent: a question
        that is not merged is answered as it is. The caller checks access to its room."""
        question = await self.question(event, question_id)
        if question.merged_into is not None:
            try:
                version = await self.store.split_question(question.id)
            except MergeRefused:
                raise rules.split_refused_error() from None
            if version is not None:
                # Both changed: the target's co-authors, the duplicate is back in the lists.
                for changed in (question.merged_into, question.id):
                    await publish_change(
                        self.hub, question.room_id, "questions.updated", version, question=changed
                    )
        return await self.question(event, question.id)

    async def approve_all(self, event: Event, room: Room) -> int:
        """Bulk approval of every pending question of the room; returns how many. One notice
        without a question id: the fan-out re-reads all questions."""
        pending = [q for q in await self.in_room(room) if q.state == "pending"]
        version = None
        for question in pending:
            version = await self.store.update_question(
                replace(question, state="approved"), ("state",)
            )
        if version is not None:
            await publish_change(self.hub, room.id, "questions.updated", version)
        return len(pending)

    async def set_labels(self, event: Event, labels: object) -> Event:
        """The event's question labels (at most 20, live/domain/labels.py), replacing the list;
        questions keep the labels they have."""
        cleaned = label_rules.clean_labels(labels)
        if cleaned != event.question_labels:
            for room_id, version in await self.store.set_question_labels(event.code, cleaned):
                await publish_change(self.hub, room_id, "event.updated", version)
        return replace(event, question_labels=cleaned)

    async def update_settings(
        self, event: Event, *, questions_need_approval: object, names_allowed: object
    ) -> Event:
        if not isinstance(questions_need_approval, bool) or not isinstance(names_allowed, bool):
            raise DomainError("invalid_settings", _n("Die Einstellungen sind ungültig."))
        changed = await self.store.update_event_settings(
            event.code,
            questions_need_approval=questions_need_approval,
            names_allowed=names_allowed,
        )
        for room_id, version in changed:
            await publish_change(self.hub, room_id, "event.updated", version)
        return replace(
            event, questions_need_approval=questions_need_approval, names_allowed=names_allowed
        )
