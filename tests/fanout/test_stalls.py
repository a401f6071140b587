"""StallWatch: a look over every socket at most every min(STALL_CHECK_EVERY, limit / 4) s."""

from __future__ import annotations

from live.fanout.connection import Connection
from live.fanout.stalls import STALL_CHECK_EVERY, StallWatch
from tests.fanout.fakes import FakeSocket


async def test_a_socket_past_its_limit_is_found_with_the_next_look() -> None:
    stuck, fine = Connection(FakeSocket(), "screen"), Connection(FakeSocket(), "screen")
    stuck.sending_since = 1000.0
    conns = {stuck, fine}
    watch = StallWatch(slow_after=1.0)  # looks every 0.25 s at most
    assert watch.stalled(1000.9, conns) == []  # within its limit
    assert watch.stalled(1001.05, conns) == []  # past it, but no look: the last was 0.15 s ago
    assert watch.stalled(1001.15, conns) == [stuck]
    slow = StallWatch(slow_after=10.0)  # looks at most every STALL_CHECK_EVERY
    assert slow.stalled(1000.0, conns) == []
    stuck.sending_since = 1000.0 - 10.0
    assert slow.stalled(1000.0 + STALL_CHECK_EVERY / 2, conns) == []
    assert slow.stalled(1000.0 + STALL_CHECK_EVERY, conns) == [stuck]
