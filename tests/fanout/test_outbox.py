"""The per-socket outbox: bounded, latest state wins, snapshot first."""

from __future__ import annotations

import asyncio

import pytest

from live.fanout.outbox import MAX_REPLIES, Outbox, OutboxOverflow


async def take_now(outbox: Outbox) -> list[str]:
    return await asyncio.wait_for(outbox.take(), timeout=1)


async def test_latest_state_per_key_wins_and_order_is_kept() -> None:
    outbox = Outbox(hold_until_snapshot=False)
    outbox.put_state("a", "a1")
    outbox.put_state("b", "b1")
    outbox.put_state("a", "a2")  # replaces a1, moves behind b
    assert await take_now(outbox) == ["b1", "a2"]
    assert not outbox.pending()


async def test_json_view_holds_everything_until_the_snapshot() -> None:
    outbox = Outbox(hold_until_snapshot=True)
    outbox.put_reply("ack-1")
    outbox.put_state("poll:x", "update")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(outbox.take(), timeout=0.05)
    outbox.put_state("snapshot", "snap")
    # The snapshot supersedes the queued update and goes out first, then the replies.
    assert await take_now(outbox) == ["snap", "ack-1"]


async def test_a_parent_region_drops_its_queued_children() -> None:
    outbox = Outbox(hold_until_snapshot=False)
    outbox.put_state("results-1", "r1")
    outbox.put_state("stage", "stage-with-r2", supersedes=("results-1",))
    assert await take_now(outbox) == ["stage-with-r2"]


async def test_replies_are_bounded() -> None:
    outbox = Outbox(hold_until_snapshot=False)
    for i in range(MAX_REPLIES):
        outbox.put_reply(str(i))
    with pytest.raises(OutboxOverflow):
        outbox.put_reply("one too many")


async def test_a_stalled_reader_keeps_one_frame_per_key() -> None:
    outbox = Outbox(hold_until_snapshot=False)
    for i in range(10_000):
        outbox.put_state("poll:1", f"v{i}")
        outbox.put_state("poll:2", f"w{i}")
    assert await take_now(outbox) == ["v9999", "w9999"]
