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
    # It keeps its own upvoters (no list shows them) for split_question.
    assert gone is not None and gone.merged_into == "a" and gone.upvotes == 3
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


async def test_qa_split_takes_a_merge_back_with_the_duplicates_own_upvoters(store: Store) -> None:
    await setup_event(store)
    await ask(store, make_question("a", participant_id="author-a"))
    await ask(store, make_question("b", participant_id="author-b", created_at=T0 + timedelta(1)))
    await ask(store, make_question("c", participant_id="author-c", created_at=T0 + timedelta(2)))
    for pid in ("u1", "u2"):
        await store.set_upvote("a", pid, True, None)
    for pid in ("u2", "u3"):
        await store.set_upvote("b", pid, True, None)
    await store.set_upvote("c", "u4", True, None)
    await store.merge_questions("a", "b")
    await store.merge_questions("a", "c")
    await store.set_highlight("r1", "a")
    before = await store.room_version("r1")
    assert await store.split_question("b") == before + 1 == await store.room_version("r1")
    back = await store.get_question("b")
    assert back is not None and back.merged_into is None
    assert (await store.upvoters(["b"]))["b"] == {"u2", "u3"}  # its own, as at the merge
    target = await store.get_question("a")
    assert target is not None
    # The target keeps every upvote (it cannot tell which the merge brought) and now has only
    # the remaining duplicate's author as co-author.
    assert (await store.upvoters(["a"]))["a"] == {"u1", "u2", "u3", "u4"}
    assert target.co_authors == ("author-c",)
    assert [q.id for q in await store.list_questions("r1")] == ["a", "b"]
    assert [q.id for q in await store.merged_questions("r1")] == ["c"]
    assert await highlighted(store, "r1") == "a"
    # It takes upvotes again, and can be merged again.
    await store.set_upvote("b", "u5", True, None)
    assert await upvotes(store, "b") == 3
    # A repeat changes nothing.
    version = await store.room_version("r1")
    assert await store.split_question("b") is None
    assert await store.room_version("r1") == version
    await store.merge_questions("a", "b")
    again = await store.get_question("a")
    assert again is not None and again.co_authors == ("author-b", "author-c")
    await store.split_question("c")
    await store.split_question("b")
    alone = await store.get_question("a")
    assert alone is not None and alone.co_authors == ()


async def test_qa_split_keeps_the_split_questions_own_duplicates(store: Store) -> None:
    await setup_event(store)
    for qid, author in (("a", "p1"), ("b", "p2"), ("c", "p3"), ("d", "p2")):
        await ask(store, make_question(qid, participant_id=author))
    await store.set_upvote("c", "u1", True, None)
    await store.merge_questions("b", "c")
    await store.merge_questions("a", "b")
    await store.merge_questions("a", "d")
    await store.split_question("b")
    target = await store.get_question("a")
    assert target is not None and target.co_authors == ("p2",)  # d's author, also b's
    split = await store.get_question("b")
    assert split is not None and split.co_authors == ("p3",)
    assert (await store.upvoters(["b"]))["b"] == {"u1"}  # c's, which b kept when it went on
    assert {q.id: q.merged_into for q in await store.merged_questions("r1")} == {
        "c": "b",
        "d": "a",
    }


async def test_qa_split_refusals_change_nothing(store: Store) -> None:
    await setup_event(store)
    for qid in ("a", "b", "c"):
        await ask(store, make_question(qid, participant_id=f"p-{qid}"))
    await store.merge_questions("b", "c")
    await store.merge_questions("a", "b")
    version = await store.room_version("r1")
    # c went into b, which went on into a: split b off first.
    with pytest.raises(MergeRefused) as refused:
        await store.split_question("c")
    assert refused.value.reason == "target_merged"
    with pytest.raises(StoreError):
        await store.split_question("nope")
    assert await store.split_question("a") is None  # not merged
    assert await store.room_version("r1") == version
    assert {q.id: q.merged_into for q in await store.merged_questions("r1")} == {
        "b": "a",
        "c": "b",
    }


async def test_qa_split_after_the_target_was_deleted_brings_the_duplicate_back(
    store: Store,
) -> None:
    await setup_event(store)
    await ask(store, make_question("a"))
    await ask(store, make_question("b", participant_id="u2"))
    await store.set_upvote("b", "u7", True, None)
    await store.merge_questions("a", "b")
    await store.delete_question("a")
    assert await store.split_question("b") is not None
    back = await store.get_question("b")
    assert back is not None and back.merged_into is None and back.upvotes == 1
    assert [q.id for q in await store.list_questions("r1")] == ["b"]
