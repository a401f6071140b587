"""What a socket is sent on a tick, worked out once for every socket in the same position.

A socket's "last" is the mapping region key -> body it was last sent. Sockets of one view and
personal key get the same regions, and sockets that were sent the same things share one "last"
mapping object (it is never changed in place; a socket moves on to the next shared mapping). So
in a room of 10,000 phones a tick finds a handful of distinct (regions, last) pairs, works out
each pair's changes and their encoded bytes once, and per socket only looks the pair up and
writes. Before, every socket compared every region and queued and encoded its frames itself,
which was a third of a tick's cost beside the send() itself (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from live.fanout.types import GONE, Region

Sent = Mapping[str, str]  # region key -> body last sent; shared between sockets, never mutated

NOTHING_SENT: Sent = {}


@dataclass(frozen=True, slots=True, eq=False)
class Diff:
    before: Sent
    regions: Sequence[Region]
    changes: tuple[Region, ...]  # in region order, to queue one by one (a socket with a backlog)
    after: Sent
    payload: bytes  # the changes as one write to a socket with nothing queued (b"": none)


def diff(before: Sent, regions: Sequence[Region], encode: Callable[[str], bytes]) -> Diff:
    """The regions whose body differs from what was sent. A parent region carries its children
    as they are now: they count as sent, and a child queued before its parent is dropped. A
    region whose body is GONE counts as sent to a socket that was never sent it."""
    after: dict[str, str] | None = None
    changes: list[Region] = []
    queued: dict[str, str] = {}  # as an empty outbox would hold them (live.fanout.outbox)
    by_key: dict[str, Region] | None = None
    for region in regions:
        current = before if after is None else after
        sent = current.get(region.key)
        if sent == region.body or (sent is None and region.body is GONE):
            continue
        if after is None:
            after = dict(before)
        changes.append(region)
        after[region.key] = region.body
        for child in region.children:
            queued.pop(child, None)
            if by_key is None:
                by_key = {r.key: r for r in regions}
            if child in by_key:
                after[child] = by_key[child].body
        queued.pop(region.key, None)
        queued[region.key] = region.frame
    payload = b"".join(map(encode, queued.values()))
    return Diff(before, regions, tuple(changes), before if after is None else after, payload)


def snapshot_sent(regions: Sequence[Region]) -> Sent:
    """What a JSON snapshot counts as having sent: every region's body."""
    return {region.key: region.body for region in regions}


class DiffCache:
    """One tick's diffs, by (regions, last sent). Keyed by the objects' ids; each entry keeps
    both objects, so an id cannot be reused by another object while the tick runs."""

    __slots__ = ("_diffs", "_encode")

    def __init__(self, encode: Callable[[str], bytes]) -> None:
        self._diffs: dict[tuple[int, int], Diff] = {}
        self._encode = encode

    def __call__(self, before: Sent, regions: Sequence[Region]) -> Diff:
        key = (id(regions), id(before))
        hit = self._diffs.get(key)
        if hit is None or hit.before is not before or hit.regions is not regions:
            hit = diff(before, regions, self._encode)
            self._diffs[key] = hit
        return hit
