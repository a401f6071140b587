"""`live import`: re-create an exported event (live/domain/transfer.py has read and checked the
document) through the Store interface, so it lands in either backend the same way.

The order of the writes is the order in which the app itself makes such an event: the event
with its rooms, brand, program and participants; each poll open while its ballots are cast (in
the order of the export, which is the order of the text answers), then put into its own state;
each question upvotable while its upvotes are added, then into its own state; the merged
duplicates merged again (which re-derives each question's co-authors); the mood log
replayed; the applause seconds; the projectors last (opening polls points them elsewhere).
Nothing here bypasses a store rule.

The Store has no transactions across calls: if a write fails halfway, the event is deleted
again (Store.delete_event removes everything of it), so an import either happens whole or not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from live.domain import polls as poll_rules
from live.domain.blocklist import BlockKind, check_entry
from live.domain.ideas import MAX_MARKED
from live.domain.models import HiddenKind
from live.domain.transfer import Transfer
from live.ids import Ids, token_hash
from live.store import Store


class ImportRefused(Exception):
    """The event cannot be imported as asked (its code is taken); nothing was written."""


@dataclass(frozen=True, slots=True)
class Imported:
    code: str
    moderator_token: str  # shown once: the only way into the imported event
    rooms: int
    polls: int
    ballots: int
    questions: int
    participants: int


async def import_event(
    store: Store, transfer: Transfer, ids: Ids, *, new_code: bool = False
) -> Imported:
    """Create ``transfer``'s event in ``store``, under its own code, or (``new_code``) under a
    fresh one with fresh ids for everything in it. ImportRefused when the code is taken (and
    not ``new_code``); a store failure leaves nothing behind and is raised."""
    if new_code:
        transfer = transfer.renamed(await _free_code(store, ids), ids.object_id)
    elif await store.get_event(transfer.event.code) is not None:
        raise ImportRefused(
            f"an event {transfer.event.code} exists already; use --new-code to import it "
            "under a new code"
        )
    token = ids.token()
    code = transfer.event.code
    try:
        await _write(store, transfer, ids, token)
    except BaseException:
        await store.delete_event(code)
        raise
    return Imported(
        code=code,
        moderator_token=token,
        rooms=len(transfer.rooms),
        polls=len(transfer.polls),
        ballots=sum(len(p.ballots) for p in transfer.polls),
        questions=len(transfer.questions) + len(transfer.merged),
        participants=len(transfer.participants),
    )


async def _free_code(store: Store, ids: Ids) -> str:
    while True:
        code = ids.event_code()
        if await store.get_event(code) is None:
            return code


async def _write(store: Store, transfer: Transfer, ids: Ids, token: str) -> None:
    event = replace(transfer.event, moderator_token_hash=token_hash(token))
    # Labels and the projectors' label filters are written apart (create_event takes none).
    await store.create_event(
        replace(event, question_labels=()),
        [replace(room, screen_label=None) for room in transfer.rooms],
    )
    if event.question_labels:
        await store.set_question_labels(event.code, event.question_labels)
    for room in transfer.rooms:
        if room.screen_label is not None:
            await store.set_screen_label(room.id, room.screen_label)
    if transfer.join_code_required:  # a new secret: codes shown before never work here
        await store.set_join_code_secret(event.code, ids.token())
    if transfer.logo is not None:
        await store.set_logo(event.code, transfer.logo)
    # The blocklist: create_event takes none of it (the store keeps its entries apart).
    if not event.blocklist_default:
        await store.set_blocklist_default(event.code, False)
    lists: tuple[tuple[BlockKind, tuple[str, ...]], ...] = (
        ("added", event.blocklist_added),
        ("removed", event.blocklist_removed),
    )
    for block_kind, entries in lists:
        for shown in entries:
            key = check_entry(shown).key
            await store.set_blocklist_entry(event.code, block_kind, key, shown, True)
    for item in transfer.agenda:
        await store.add_agenda_item(item)
    # Fresh ids in the export's order (a common random part, then the number): ids of those who
    # joined at the same moment sort as they did, so exporting again gives the same pseudonyms.
    stem = ids.object_id()
    width = len(str(len(transfer.participants)))
    people: dict[str, str] = {}
    for n, (alias, joined_at) in enumerate(transfer.participants):
        people[alias] = f"{stem}{n:0{width}d}"
        # A token nobody knows: the participants' phones hold tokens of the old instance.
        await store.add_participant(event.code, people[alias], token_hash(ids.token()), joined_at)
    for record in transfer.polls:
        poll = record.poll
        if record.ballots:
            # Votes go only into an open poll, and the option "joined before the opening" would
            # judge by the import's own moments: both are set to the poll's own afterwards.
            voting = replace(poll, state="open", closed_at=None, joined_before_only=False)
            await store.add_poll(voting)
            for alias, ballot in record.ballots:
                await store.cast_vote(poll.id, people[alias], ballot, None)
            if voting != poll:
                await store.update_poll(poll)
        else:
            await store.add_poll(poll)
        hidden: tuple[tuple[HiddenKind, tuple[str, ...]], ...] = (
            ("word", poll.hidden_words),
            ("answer", poll.hidden_answers),
        )
        for kind, entries in hidden:
            for shown in entries:
                await store.set_hidden(poll.id, kind, poll_rules.hidden_key(shown), shown, True)
    for question_record in (*transfer.questions, *transfer.merged):
        question = replace(
            question_record.question,
            participant_id=people[question_record.question.participant_id],
            merged_into=None,  # merged below, once every question is there
        )
        if question_record.upvoters:
            await store.add_question(replace(question, state="approved"), None, None)
            for alias in question_record.upvoters:
                await store.set_upvote(question.id, people[alias], True, None)
            if question.state != "approved":
                await store.update_question(question, ("state",))
        else:
            await store.add_question(question, None, None)
    # In the transfer's order (a question's own duplicates first). The store moves a
    # duplicate's upvotes (an export has none left on it) and sets the co-authors.
    for merged_record in transfer.merged:
        target = merged_record.question.merged_into
        assert target is not None  # read_transfer sets it on every merged record
        await store.merge_questions(target, merged_record.question.id)
    for room_id, log in transfer.moods:
        for at, alias, value in log:
            await store.set_mood(room_id, people[alias], value, None, at)
    await _write_ideas(store, transfer, people)
    for room_id, pace_log in transfer.paces:
        for at, alias, signal in pace_log:
            await store.set_pace(room_id, people[alias], signal, None, at)
    for room_id, samples in transfer.applause:
        await store.record_applause(room_id, samples)
    for screen in transfer.screens:
        if screen.mode != "auto" or screen.poll_id is not None:
            await store.set_screen_mode(screen.room_id, screen.mode, screen.poll_id)
        if screen.question_id is not None:
            await store.set_highlight(screen.room_id, screen.question_id)
        if screen.forum_shown is not None or screen.forum_poll_id is not None:
            await store.set_forum_results(screen.room_id, screen.forum_shown, screen.forum_poll_id)


async def _write_ideas(store: Store, transfer: Transfer, people: dict[str, str]) -> None:
    """The idea boards: each idea upvotable while its upvotes are added and marked while
    approved (as the store allows only then), then into its own state; the rooms' switches."""
    for room in transfer.rooms:
        if room.ideas_open:
            await store.set_ideas_open(room.id, True)
    for record in transfer.ideas:
        idea = replace(record.idea, participant_id=people[record.idea.participant_id])
        await store.add_idea(replace(idea, state="approved", marked=False), None)
        for alias in record.upvoters:
            await store.set_idea_upvote(idea.id, people[alias], True, None)
        if idea.marked:
            await store.set_idea_marked(idea.id, True, MAX_MARKED)
        if idea.state != "approved":
            await store.set_idea_state(idea.id, idea.state)
