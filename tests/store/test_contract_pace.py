"""The Store contract for pace and technics feedback (issue 24 item 7; once per backend, see
conftest.BACKENDS): the latest signal per participant with its moment, every signal in the log
in order, a repeated request id counts once (the vote namespace), bad values and unknown rooms
change nothing, deleting the event removes them."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from live.store import Store, StoreError
from live.store.base import VoteOutcome
from tests.store.test_contract import CODE, T0, setup_event


async def test_the_latest_signal_per_participant_is_kept_with_its_moment(store: Store) -> None:
    await setup_event(store, "r1", "r2")
    cest = timezone(timedelta(hours=2))
    s1, s2, s3 = (T0 + timedelta(seconds=n, microseconds=7) for n in (1, 2, 3))
    assert await store.set_pace("r1", "u1", "too_fast", None, s1.astimezone(cest)) == (
        VoteOutcome(applied=True, version=2)
    )
    await store.set_pace("r1", "u2", "av_problem", None, s2)
    await store.set_pace("r1", "u1", "none", None, s3)
    await store.set_pace("r2", "u1", "too_slow", None, s3)
    assert await store.pace_signals("r1") == [("u1", "none", s3), ("u2", "av_problem", s2)]
    assert await store.pace_signals("r2") == [("u1", "too_slow", s3)]
    signals = await store.pace_signals("r1")
    assert all(at.utcoffset() == timedelta(0) for _, _, at in signals)
    assert await store.room_version("r1") == 4
    assert await store.room_version("r2") == 2


async def test_the_log_keeps_every_signal_in_order(store: Store) -> None:
    await setup_event(store)
    changes = [
        ("u1", "too_fast", T0 + timedelta(seconds=1)),
        ("u2", "too_fast", T0 + timedelta(seconds=2)),
        ("u1", "too_fast", T0 + timedelta(seconds=3)),  # the same again is a signal of its own
        ("u1", "none", T0 + timedelta(seconds=3)),  # the same moment: in the order of the calls
    ]
    for pid, value, at in changes:
        await store.set_pace("r1", pid, value, None, at)
    assert await store.pace_log("r1") == changes


async def test_a_request_id_counts_once_and_shares_the_vote_namespace(store: Store) -> None:
    await setup_event(store)
    first = await store.set_pace("r1", "u1", "too_fast", "p-1", T0)
    retry = await store.set_pace("r1", "u1", "too_slow", "p-1", T0 + timedelta(seconds=1))
    assert retry == VoteOutcome(applied=False, version=first.version)
    assert await store.pace_signals("r1") == [("u1", "too_fast", T0)]
    assert await store.pace_log("r1") == [("u1", "too_fast", T0)]
    assert await store.request_seen("u1", "p-1") is True
    # The mood's request ids are the same namespace.
    assert not (await store.set_mood("r1", "u1", 3, "p-1", T0)).applied
    # Per participant.
    assert (await store.set_pace("r1", "u2", "too_slow", "p-1", T0)).applied


@pytest.mark.parametrize("value", ["", "fast", "TOO_FAST", "none|x"])
async def test_a_value_outside_the_four_is_refused(store: Store, value: str) -> None:
    await setup_event(store)
    with pytest.raises(ValueError):
        await store.set_pace("r1", "u1", value, "p-1", T0)
    assert await store.pace_signals("r1") == []
    assert await store.request_seen("u1", "p-1") is False
    assert await store.room_version("r1") == 1


async def test_an_unknown_room(store: Store) -> None:
    await setup_event(store)
    with pytest.raises(StoreError):
        await store.set_pace("nope", "u1", "too_fast", "p-1", T0)
    assert await store.request_seen("u1", "p-1") is False
    assert await store.pace_signals("nope") == []
    assert await store.pace_log("nope") == []


async def test_deleting_the_event_removes_the_signals(store: Store) -> None:
    await setup_event(store)
    await store.set_pace("r1", "u1", "too_fast", "p-1", T0)
    assert await store.delete_event(CODE)
    assert await store.pace_signals("r1") == []
    assert await store.pace_log("r1") == []
