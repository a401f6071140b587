"""Pacing: when the next tick may start."""

from __future__ import annotations

import asyncio

import pytest

from live.fanout.connection import Connection
from live.fanout.pacing import MAX_RETRY_PAUSE, SEND_SHARE_PAUSE, Pacing
from tests.fanout.fakes import FakeSocket
from tests.support.virtual_time import spend

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


class Spending:
    """A delivery whose every send takes ``cost`` of loop time (stands in for live.fanout's)."""

    def __init__(self, cost: float) -> None:
        self.cost = cost
        self.sent = 0

    def send(self, conn: Connection) -> None:
        spend(self.cost)
        self.sent += 1


async def test_after_a_sliced_tick_that_gave_its_turns_away_the_pause_is_its_own_time() -> None:
    """A sliced tick in a burst lasts as long as the votes it lets in between its slices; the
    pause after it follows the time it spent sending (twice that), not the whole stretch: the
    phones get the newest tally soon after the burst instead of seconds later."""
    pacing = Pacing(TICK, sliced=True, front=set(), serve_front=never)
    loop = asyncio.get_running_loop()

    async def votes() -> None:  # every turn the tick gives away, the votes take 0.3 s of it
        while True:
            spend(0.3)
            await asyncio.sleep(0)

    voting = loop.create_task(votes())
    delivery = Spending(0.001)
    conns = [Connection(FakeSocket(), "participant") for _ in range(640)]
    started = loop.time()
    await pacing.send(delivery, conns)  # type: ignore[arg-type]
    ended = loop.time()
    voting.cancel()
    own = 640 * 0.001
    assert delivery.sent == 640
    assert ended - started > 3 * own  # stretched by the votes
    pause = pacing.next_tick_at(started, ended, 0) - ended
    assert pause == pytest.approx(own * SEND_SHARE_PAUSE, rel=0.1)
    # Without turns given away the rule is the one above: the whole tick counts.
    assert pacing.next_tick_at(started, started + 0.2, 0) - started == pytest.approx(
        0.2 * SEND_SHARE_PAUSE
    )
