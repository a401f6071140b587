"""Pacing: when the next tick may start."""

from __future__ import annotations

import pytest

from live.fanout.connection import Connection
from live.fanout.pacing import MAX_RETRY_PAUSE, SEND_SHARE_PAUSE, Pacing

TICK = 0.1


async def never() -> bool:
    raise AssertionError("the front is not served here")


@pytest.mark.parametrize(
    ("took", "failures", "pause"),
    [
        (0.0, 0, TICK),  # a quick tick: the tick rate
        (0.01, 0, TICK),
        (0.2, 0, 0.2 * SEND_SHARE_PAUSE),  # a long one: sending keeps a third of the process
        (0.0, 1, 2 * TICK),  # failed: the pause doubles from two ticks, after the tick
        (0.5, 1, 0.5 + 2 * TICK),
        (0.0, 3, 8 * TICK),
        (0.0, 5, MAX_RETRY_PAUSE),
        (0.0, 50, MAX_RETRY_PAUSE),
    ],
)
def test_the_next_tick_starts_after_the_pause(took: float, failures: int, pause: float) -> None:
    front: set[Connection] = set()
    pacing = Pacing(TICK, sliced=False, front=front, serve_front=never)
    started = 1000.0
    assert pacing.next_tick_at(started, started + took, failures) == pytest.approx(started + pause)
