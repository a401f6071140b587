"""An event with every kind of content, written through the Store interface (so into either
backend): the source of the export/import round trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from live.domain.brand import check_logo
from live.domain.models import AgendaItem, Ballot, Event, Idea, Poll, Question, Room
from live.ids import token_hash
from live.store import Store
from tests.support.images import png

CODE = "RTRIP7"
T0 = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _poll(poll_id: str, room_id: str, kind: str, **fields: object) -> Poll:
    base = Poll(
        id=poll_id,
        event_code=CODE,
        room_id=room_id,
        question=f"Frage {poll_id}?",
        kind=kind,  # type: ignore[arg-type]
        options=("Ja", "Nein", "Vielleicht")
        if kind in ("single", "multiple", "ranking", "points")
        else (),
        scale_min=1 if kind == "scale" else None,
        scale_max=5 if kind == "scale" else None,
        state="draft",
        visibility="live",
        created_at=at(1),
    )
    return replace(base, **fields)  # type: ignore[arg-type]


async def build(store: Store) -> None:
    rooms = [Room("rt-plenum", CODE, "Plenum", 0), Room("rt-saal-b", CODE, "Saal B", 1)]
    event = Event(
        code=CODE,
        title="Fachtag Digitalisierung",
        created_at=T0,
        moderator_token_hash=token_hash("secret-moderator-token"),
        questions_need_approval=False,
        names_allowed=True,
        starts_on=date(2026, 3, 12),
        ends_on=date(2026, 3, 13),
        brand_color="#0b5394",
        join_code_secret="secret-join-code",
    )
    await store.create_event(event, rooms)
    await store.set_parallel_polls("rt-saal-b", True)
    await store.set_applause_via_stream("rt-saal-b", True)
    await store.set_room_token("rt-plenum", token_hash("secret-room-token"))
    await store.set_logo(CODE, check_logo(png(8, 4)))
    # The blocklist (issue 24): an own entry, a switched-off shipped one, the shipped list off.
    await store.set_blocklist_entry(CODE, "added", "buerokratiemonster", "Bürokratiemonster", True)
    await store.set_blocklist_entry(CODE, "removed", "hartzer", "Hartzer", True)
    await store.set_blocklist_default(CODE, False)
    talk = AgendaItem("rt-talk", CODE, "rt-plenum", "Keynote", at(0), at(45), "Dr. Beispiel")
    await store.add_agenda_item(talk)
    await store.add_agenda_item(AgendaItem("rt-ws", CODE, "rt-saal-b", "Workshop", at(60), at(120)))
    people = [f"rt-person-{n:02d}" for n in range(8)]
    for n, pid in enumerate(people):
        # Two identities from before join times were kept, two joined at the same moment.
        joined = None if n < 2 else at(min(n, 4))
        await store.add_participant(CODE, pid, token_hash(f"secret-participant-{n}"), joined)

    async def run(poll: Poll, ballots: list[tuple[int, Ballot]], final: Poll) -> None:
        await store.add_poll(poll)
        await store.update_poll(replace(poll, state="open", opened_at=at(5)))
        for n, (who, ballot) in enumerate(ballots):
            await store.cast_vote(poll.id, people[who], ballot, f"req-{poll.id}-{n}")
        await store.update_poll(final)

    single = _poll("rt-single", "rt-plenum", "single", agenda_item_id="rt-talk")
    await run(
        single,
        [(0, Ballot(choices=(0,))), (3, Ballot(choices=(1,))), (5, Ballot(choices=(0,)))],
        replace(single, state="closed", opened_at=at(5), closed_at=at(9)),
    )
    multiple = _poll("rt-multi", "rt-plenum", "multiple", visibility="after_vote", created_at=at(2))
    await run(
        multiple,
        [(1, Ballot(choices=(0, 2))), (2, Ballot(choices=(1,))), (1, Ballot(choices=(1, 2)))],
        replace(multiple, state="closed", opened_at=at(5), closed_at=at(11)),
    )
    scale = _poll("rt-scale", "rt-saal-b", "scale", screen_results="after_close", created_at=at(3))
    await run(
        scale,
        [(n, Ballot(value=1 + n % 5)) for n in range(7)],
        replace(scale, state="open", opened_at=at(5), joined_before_only=True),
    )
    text = _poll("rt-text", "rt-saal-b", "text", max_answers=2, created_at=at(4))
    await run(
        text,
        [
            (4, Ballot(texts=("Mehr Zeit", "Pausen"))),
            (2, Ballot(texts=("Pausen",))),
            (6, Ballot(texts=("mehr zeit",))),
            (7, Ballot(texts=("Kaffee",))),
            (4, Ballot(texts=("Kaffee", "Zeit"))),  # changed: now the newest
        ],
        replace(text, state="closed", opened_at=at(5), closed_at=at(20)),
    )
    await store.set_hidden("rt-text", "word", "kaffee", "Kaffee", True)
    await store.set_hidden("rt-text", "answer", "pausen", "Pausen", True)
    # Issue 24's kinds: a partial ranking changed once, points changed once, scale labels.
    ranking = _poll("rt-rank", "rt-saal-b", "ranking", max_ranked=2, created_at=at(4.5))
    await run(
        ranking,
        [
            (0, Ballot(ranking=(2, 0))),
            (1, Ballot(ranking=(1,))),
            (0, Ballot(ranking=(0, 2))),
        ],
        replace(ranking, state="closed", opened_at=at(5), closed_at=at(21)),
    )
    points = _poll("rt-points", "rt-saal-b", "points", budget=10, created_at=at(4.6))
    await run(
        points,
        [
            (3, Ballot(points=(5, 5, 0))),
            (5, Ballot(points=(0, 1, 9))),
            (3, Ballot(points=(10, 0, 0))),
        ],
        replace(points, state="closed", opened_at=at(5), closed_at=at(22)),
    )
    labelled = _poll(
        "rt-labels",
        "rt-plenum",
        "scale",
        scale_min_label="trifft nicht zu",
        scale_max_label="trifft voll zu",
        created_at=at(5.5),
    )
    await store.add_poll(labelled)
    await store.add_poll(_poll("rt-draft", "rt-plenum", "single", created_at=at(6)))

    async def ask(qid: str, room: str, who: int, minute: float, **fields: object) -> None:
        question = Question(
            qid, CODE, room, people[who], f"Frage {qid}?", None, "approved", at(minute)
        )
        await store.add_question(replace(question, **fields), f"ask-{qid}", None)  # type: ignore[arg-type]

    await ask("rt-q1", "rt-plenum", 0, 10, name="Anna")
    await ask("rt-q2", "rt-plenum", 1, 11)
    await ask("rt-q3", "rt-plenum", 2, 12, state="pending")
    await ask("rt-q4", "rt-saal-b", 3, 13)
    await ask("rt-q5", "rt-saal-b", 4, 14)
    for qid, voters in (("rt-q1", (1, 2, 3)), ("rt-q2", (0,)), ("rt-q4", (5, 6)), ("rt-q5", (7,))):
        for who in voters:
            await store.set_upvote(qid, people[who], True, None)
    await store.set_upvote("rt-q1", people[2], False, None)
    for qid, state, answer in (
        ("rt-q2", "answered", "Ja, im Mai."),
        ("rt-q4", "hidden", None),
        ("rt-q5", "archived", None),
    ):
        question = await store.get_question(qid)
        assert question is not None
        await store.update_question(replace(question, state=state, answer=answer))  # type: ignore[arg-type]
    # Panel Q&A (issue 24): the event's labels, labelled questions, a projector filtered by
    # label; a label taken off the list stays on its question. Merged duplicates in a chain:
    # rt-q6 went into rt-q7, which then went into rt-q1 (upvotes and authors add up).
    await store.set_question_labels(CODE, ["Dr. Beispiel", "Podium", "Früher"])
    await ask("rt-q6", "rt-plenum", 5, 14.5, label="Podium")
    await ask("rt-q7", "rt-plenum", 6, 14.6)
    await store.set_upvote("rt-q6", people[7], True, None)
    for who in (4, 1):
        await store.set_upvote("rt-q7", people[who], True, None)
    await store.merge_questions("rt-q7", "rt-q6")
    await store.merge_questions("rt-q1", "rt-q7")
    for qid, label in (("rt-q1", "Dr. Beispiel"), ("rt-q4", "Podium"), ("rt-q2", "Früher")):
        question = await store.get_question(qid)
        assert question is not None
        await store.update_question(replace(question, label=label), ("label",))
    await store.set_question_labels(CODE, ["Dr. Beispiel", "Podium"])
    await store.set_screen_label("rt-plenum", "Dr. Beispiel")
    await store.set_highlight("rt-plenum", "rt-q1")
    await store.set_screen_mode("rt-saal-b", "words", "rt-text")
    # The forums' results (issue 24): the plenary takes part too, Saal B's column is a ranking.
    await store.set_forum_results("rt-plenum", True, None)
    await store.set_forum_results("rt-saal-b", None, "rt-rank")
    for minute, who, value in ((15, 0, 4), (16, 1, 2), (17, 0, 5), (17, 3, 3)):
        await store.set_mood("rt-plenum", people[who], value, None, at(minute))
    await store.set_mood("rt-saal-b", people[5], 1, None, at(18))
    await store.set_pace("rt-plenum", people[2], "too_fast", "rt-pace-1", at(18))
    await store.record_applause(
        "rt-plenum", [(at(19), 0.25), (at(19) + timedelta(seconds=1), 0.8125)]
    )
    # The idea board (issue 24): on in Saal B; approved, marked, pending and hidden ideas.
    await store.set_ideas_open("rt-saal-b", True)
    for iid, who, posted, state in (
        ("rt-i1", 0, 20.0, "approved"),
        ("rt-i2", 1, 20.5, "approved"),
        ("rt-i3", 2, 21.0, "pending"),
        ("rt-i4", 3, 21.5, "approved"),
    ):
        idea = Idea(iid, CODE, "rt-saal-b", people[who], f"Idee {iid}", state, at(posted))  # type: ignore[arg-type]
        await store.add_idea(idea, f"idea-{iid}")
    for iid, voters in (("rt-i1", (1, 2)), ("rt-i4", (0, 5, 6))):
        for who in voters:
            await store.set_idea_upvote(iid, people[who], True, None)
    await store.set_idea_marked("rt-i4", True, 10)
    await store.set_idea_state("rt-i2", "hidden")
