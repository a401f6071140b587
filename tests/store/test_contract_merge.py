"""Store contract: merging duplicate questions (issue 24, panel Q&A), for every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest

from live.store import MergeRefused, QuestionClosed, Store, StoreError
from tests.store.test_contract import (
    CODE,
    T0,
    ask,
    highlighted,
    make_question,
    setup_event,
    upvotes,
)


async def test_qa_merge_adds_upvotes_up_once_and_keeps_both_authors(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("a", participant_id="author-a"))
    await ask(store, make_question("b", participant_id="author-b", created_at=T0 + timedelta(1)))
    for pid in ("u1", "u2"):
        await store.set_upvote("a", pid, True, None)
    for pid in ("u2", "u3", "u4"):
        await store.set_upvote("b", pid, True, None)
    await store.set_highlight("r1", "b")
    before = await store.room_version("r1")
    version = await store.merge_questions("a", "b")
    assert version == before + 1 == await store.room_version("r1")
    merged = await store.get_question("a")
    assert merged is not None
    # u2 upvoted both and counts once: {u1, u2} | {u2, u3, u4}.
    assert merged.upvotes == 4 and merged.co_authors == ("author-b",)
    assert merged.participant_id == "author-a" and merged.merged_into is None
    assert (await store.upvoters(["a"]))["a"] == {"u1", "u2", "u3", "u4"}
    gone = await store.get_question("b")
    assert gone is not None and gone.merged_into == "a" and gone.upvotes == 0
    assert [q.id for q in await store.list_questions("r1")] == ["a"]
    assert [q.id for q in await store.merged_questions("r1")] == ["b"]
    assert await highlighted(store, "r1") == "a"  # the highlight followed the merge
    # A merged question takes no more upvotes; the one it went to does.
    with pytest.raises(QuestionClosed) as refused:
        await store.set_upvote("b", "u5", True, None)
    assert refused.value.state == "merged"
    await store.set_upvote("a", "u5", True, None)
    assert await upvotes(store, "a") == 5


async def test_qa_merge_is_idempotent_and_chains_co_authors(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("a", participant_id="p1"))
    await ask(store, make_question("b", participant_id="p2"))
    await ask(store, make_question("c", participant_id="p3"))
    await ask(store, make_question("d", participant_id="p1"))  # the target's own author
    await store.merge_questions("b", "c")
    version = await store.room_version("r1")
    assert await store.merge_questions("b", "c") is None  # a repeat changes nothing
    assert await store.room_version("r1") == version
    await store.merge_questions("a", "b")
    await store.merge_questions("a", "d")
    target = await store.get_question("a")
    assert target is not None and target.co_authors == ("p2", "p3")
    assert [q.id for q in await store.list_questions("r1")] == ["a"]
    assert {q.id: q.merged_into for q in await store.merged_questions("r1")} == {
        "b": "a",
        "c": "b",
        "d": "a",
    }


async def test_qa_merge_refusals_change_nothing(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    await ask(store, make_question("a"))
    await ask(store, make_question("b"))
    await ask(store, make_question("c"))
    await ask(store, make_question("x", room_id="r2"))
    await store.set_upvote("b", "u9", True, None)
    await store.merge_questions("a", "c")
    versions = (await store.room_version("r1"), await store.room_version("r2"))
    for target, source, reason in [
        ("a", "a", "self"),
        ("a", "x", "other_room"),
        ("x", "a", "other_room"),
        ("b", "c", "merged"),  # c went to a already
        ("c", "b", "merged"),  # into a merged one
    ]:
        with pytest.raises(MergeRefused) as refused:
            await store.merge_questions(target, source)
        assert refused.value.reason == reason
    for target, source in [("a", "nope"), ("nope", "a")]:
        with pytest.raises(StoreError):
            await store.merge_questions(target, source)
    assert (await store.room_version("r1"), await store.room_version("r2")) == versions
    assert await upvotes(store, "b") == 1
    assert [q.id for q in await store.list_questions("r1")] == ["a", "b"]


async def test_qa_deleting_the_target_keeps_the_merged_question(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("a"))
    await ask(store, make_question("b", participant_id="u2"))
    await store.merge_questions("a", "b")
    await store.delete_question("a")
    assert await store.list_questions("r1") == []
    assert [q.id for q in await store.merged_questions("r1")] == ["b"]
    await store.delete_event(CODE)
    assert await store.get_question("b") is None
    assert await store.merged_questions("r1") == []
