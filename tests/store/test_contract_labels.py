"""Store contract: question labels, the event's list of them and the projector's label filter
(issue 24, panel Q&A), for every backend."""

from __future__ import annotations

from dataclasses import replace

import pytest

from live.store import Store, StoreError
from tests.store.test_contract import (
    CODE,
    ask,
    make_event,
    make_question,
    make_room,
    setup_event,
)


async def test_labels_default_to_none_and_round_trip(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    event = await store.get_event(CODE)
    assert event is not None and event.question_labels == ()
    room = await store.get_room("r1")
    assert room is not None and room.screen_label is None
    versions = [await store.room_version(r) for r in ("r1", "r2")]
    changed = await store.set_question_labels(CODE, ["Frau Özdemir", "Herr Lang"])
    assert changed == [("r1", versions[0] + 1), ("r2", versions[1] + 1)]
    event = await store.get_event(CODE)
    assert event is not None and event.question_labels == ("Frau Özdemir", "Herr Lang")
    await store.set_question_labels(CODE, [])
    event = await store.get_event(CODE)
    assert event is not None and event.question_labels == ()
    with pytest.raises(StoreError):
        await store.set_question_labels("NOPE", ["x"])


async def test_a_question_keeps_its_label_through_asking_and_updates(store: Store) -> None:
    await setup_event(store)
    await store.set_question_labels(CODE, ["Podium", "Herr Lang"])
    await ask(store, replace(make_question("q1"), label="Podium"))
    await ask(store, make_question("q2"))
    got = {q.id: q.label for q in await store.list_questions("r1")}
    assert got == {"q1": "Podium", "q2": None}
    # Only the named fields are written: a text edit keeps the label, a label change the text.
    await store.update_question(replace(make_question("q1"), text="Neu?", label=None), ["text"])
    q1 = await store.get_question("q1")
    assert q1 is not None and q1.label == "Podium" and q1.text == "Neu?"
    await store.update_question(replace(make_question("q1"), label="Herr Lang"), ["label"])
    q1 = await store.get_question("q1")
    assert q1 is not None and q1.label == "Herr Lang" and q1.text == "Neu?"
    await store.update_question(make_question("q1"), ["label"])
    q1 = await store.get_question("q1")
    assert q1 is not None and q1.label is None


async def test_the_projectors_label_filter(store: Store) -> None:
    await setup_event(store)
    version = await store.room_version("r1")
    assert await store.set_screen_label("r1", "Podium") == version + 1
    room = await store.get_room("r1")
    assert room is not None and room.screen_label == "Podium"
    assert await store.set_screen_label("r1", None) == version + 2
    room = await store.get_room("r1")
    assert room is not None and room.screen_label is None
    with pytest.raises(StoreError):
        await store.set_screen_label("nope", "Podium")


async def test_new_events_and_rooms_bring_no_labels(store: Store) -> None:
    with pytest.raises(ValueError, match="set_question_labels"):
        await store.create_event(replace(make_event(), question_labels=("x",)), [make_room("r1")])
    await setup_event(store)
    with pytest.raises(ValueError, match="set_screen_label"):
        await store.add_room(replace(make_room("r9"), screen_label="x"))
