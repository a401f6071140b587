"""What a socket is sent per tick, worked out once per (regions, last sent) pair."""

from __future__ import annotations

from live.fanout.connection import FrameCache
from live.fanout.diff import NOTHING_SENT, DiffCache, diff, snapshot_sent
from live.fanout.outbox import Outbox
from live.fanout.types import Region
from tests.fanout.fakes import decode_all


def texts(payload: bytes) -> list[str]:
    return decode_all(payload) if payload else []


def test_only_changed_regions_are_sent_and_unchanged_keeps_the_same_mapping() -> None:
    regions = [Region("a", "A1", "a1"), Region("b", "B1", "b1")]
    first = diff(NOTHING_SENT, regions, FrameCache())
    assert [r.key for r in first.changes] == ["a", "b"]
    assert texts(first.payload) == ["A1", "B1"]
    assert dict(first.after) == {"a": "a1", "b": "b1"}
    assert NOTHING_SENT == {}  # the shared empty mapping was not written to

    same = diff(first.after, regions, FrameCache())
    assert same.changes == () and same.payload == b""
    assert same.after is first.after  # nothing new: the sockets keep sharing it

    regions2 = [Region("a", "A1", "a1"), Region("b", "B2", "b2")]
    second = diff(first.after, regions2, FrameCache())
    assert texts(second.payload) == ["B2"]
    assert dict(first.after) == {"a": "a1", "b": "b1"}  # copied, not changed in place
    assert dict(second.after) == {"a": "a1", "b": "b2"}


def test_a_parent_carries_its_children_in_either_order() -> None:
    child = Region("results", "R2", "r2")
    parent = Region("stage", "S2", "s2", children=("results",))
    for regions in ([parent, child], [child, parent]):
        d = diff({"stage": "s1", "results": "r1"}, regions, FrameCache())
        # One frame: the parent holds the child as it is now, the child counts as sent.
        assert texts(d.payload) == ["S2"]
        assert dict(d.after) == {"stage": "s2", "results": "r2"}
        # Queued one by one (a socket with a backlog), the outbox ends with the same frames.
        outbox = Outbox(hold_until_snapshot=False)
        for region in d.changes:
            outbox.put_state(region.key, region.frame, supersedes=region.children)
        assert outbox.take_now() == texts(d.payload)


def test_the_cache_works_each_pair_out_once_and_tells_pairs_apart() -> None:
    encoded: list[str] = []
    cache = FrameCache()

    def encode(text: str) -> bytes:
        encoded.append(text)
        return cache(text)

    changes_for = DiffCache(encode)
    regions = [Region("a", "A2", "a2")]
    sent_before = {"a": "a1"}
    first = changes_for(sent_before, regions)
    assert changes_for(sent_before, regions) is first  # the next socket in the same position
    assert encoded == ["A2"]
    # An equal but different mapping (another history) is its own pair.
    other = changes_for({"a": "a1"}, regions)
    assert other is not first and other.payload == first.payload
    # A socket that already has it gets nothing.
    assert changes_for(first.after, regions).changes == ()


def test_a_snapshot_counts_every_region_as_sent() -> None:
    regions = [Region("poll:1", "P", "p"), Region("questions", "Q", "q")]
    sent = snapshot_sent(regions)
    assert diff(sent, regions, FrameCache()).changes == ()
