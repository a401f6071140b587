"""The Store contract for issue 21's protections (once per backend, see conftest.BACKENDS): the
participants' creation time, the poll option "only participants who joined before it opened"
(checked atomically with the vote), the voters created since a moment (the console's burst
check) and the event's join-code secret."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from live.domain.models import Ballot
from live.store import JoinedAfterOpening, PollNotOpen, Store, StoreError
from tests.store.test_contract import CODE, T0, make_event, make_poll, make_room, setup_event

OPENED = T0 + timedelta(minutes=10)
YES = Ballot(choices=(0,))


async def open_at(store: Store, poll_id: str, *, joined_before_only: bool) -> None:
    poll = replace(
        make_poll(poll_id), joined_before_only=joined_before_only, state="open", opened_at=OPENED
    )
    await store.add_poll(replace(poll, state="draft", opened_at=None))
    await store.update_poll(poll)


async def test_the_option_is_stored_with_the_poll_and_changed_by_update_poll(store: Store) -> None:
    await setup_event(store)
    await store.add_poll(replace(make_poll("p1"), joined_before_only=True))
    await store.add_poll(make_poll("p2"))
    assert (await store.get_poll("p1")).joined_before_only is True  # type: ignore[union-attr]
    assert [p.joined_before_only for p in await store.list_polls("r1")] == [True, False]
    await store.update_poll(replace(make_poll("p2"), joined_before_only=True))
    await store.update_poll(make_poll("p1"))
    assert [p.joined_before_only for p in await store.list_polls("r1")] == [False, True]


async def test_a_vote_from_an_identity_created_after_opening_is_refused(store: Store) -> None:
    await setup_event(store)
    await store.add_participant(CODE, "early", "h1", OPENED - timedelta(seconds=1))
    await store.add_participant(CODE, "sharp", "h2", OPENED)  # the same moment counts as before
    await store.add_participant(CODE, "late", "h3", OPENED + timedelta(seconds=1))
    await store.add_participant(CODE, "unknown", "h4")  # stored before creation times were kept
    await open_at(store, "p1", joined_before_only=True)
    for pid in ("early", "sharp", "unknown"):
        assert (await store.cast_vote("p1", pid, YES, f"r-{pid}")).applied
    version = await store.room_version("r1")
    with pytest.raises(JoinedAfterOpening):
        await store.cast_vote("p1", "late", YES, "r-late")
    # Refused before anything was written: no ballot, no version, the request id stays unused.
    assert (await store.tally(make_poll("p1"))).voters == 3
    assert await store.room_version("r1") == version
    assert not await store.request_seen("late", "r-late")
    assert await store.participant_ballots("late", ["p1"]) == {}


async def test_without_the_option_a_late_identity_counts(store: Store) -> None:
    await setup_event(store)
    await store.add_participant(CODE, "late", "h3", OPENED + timedelta(minutes=5))
    await open_at(store, "p1", joined_before_only=False)
    assert (await store.cast_vote("p1", "late", YES, None)).applied
    assert (await store.tally(make_poll("p1"))).counts == (1, 0, 0)


async def test_switching_the_option_on_while_open_refuses_from_the_next_vote(
    store: Store,
) -> None:
    await setup_event(store)
    await store.add_participant(CODE, "late", "h3", OPENED + timedelta(minutes=5))
    await open_at(store, "p1", joined_before_only=False)
    await store.cast_vote("p1", "late", YES, None)
    poll = await store.get_poll("p1")
    assert poll is not None
    await store.update_poll(replace(poll, joined_before_only=True))
    with pytest.raises(JoinedAfterOpening):
        await store.cast_vote("p1", "late", Ballot(choices=(1,)), None)
    # The ballot given while it was allowed stays as it was.
    assert (await store.tally(make_poll("p1"))).counts == (1, 0, 0)


async def test_a_closed_poll_says_closed_before_anything_else(store: Store) -> None:
    await setup_event(store)
    await store.add_participant(CODE, "late", "h3", OPENED + timedelta(minutes=5))
    await store.add_poll(replace(make_poll("p1"), joined_before_only=True))
    with pytest.raises(PollNotOpen):
        await store.cast_vote("p1", "late", YES, None)


async def test_voters_created_since_lists_only_recent_voters(store: Store) -> None:
    await setup_event(store)
    await open_at(store, "p1", joined_before_only=False)
    await open_at(store, "p2", joined_before_only=False)
    times = {f"u{i}": OPENED + timedelta(seconds=i) for i in range(5)}
    for pid, created in times.items():
        await store.add_participant(CODE, pid, f"h-{pid}", created)
    await store.add_participant(CODE, "old", "h-old", OPENED - timedelta(hours=1))
    await store.add_participant(CODE, "unknown", "h-unknown")
    for pid in [*times, "old", "unknown"]:
        await store.cast_vote("p1", pid, YES, None)
    await store.cast_vote("p2", "u4", YES, None)  # another poll's voter
    since = OPENED + timedelta(seconds=1)
    # u0 is older than since, "old" too, "unknown" has no time: left out; oldest first.
    assert await store.voters_created_since("p1", since) == [times[f"u{i}"] for i in (1, 2, 3, 4)]
    assert await store.voters_created_since("p2", since) == [times["u4"]]
    assert await store.voters_created_since("nope", since) == []
    # Another event's identities created at the same moments are not this poll's voters.
    await store.create_event(make_event("OTHER"), [])
    await store.add_participant("OTHER", "u1", "h-u1", times["u1"])
    assert len(await store.voters_created_since("p1", since)) == 4


async def test_the_join_code_secret_is_set_and_cleared(store: Store) -> None:
    await setup_event(store)
    assert (await store.get_event(CODE)).join_code_secret is None  # type: ignore[union-attr]
    await store.set_join_code_secret(CODE, "s3cret")
    event = await store.get_event(CODE)
    assert event is not None and event.join_code_secret == "s3cret"
    assert event.join_code_required
    await store.set_join_code_secret(CODE, None)
    assert (await store.get_event(CODE)).join_code_secret is None  # type: ignore[union-attr]
    with pytest.raises(StoreError):
        await store.set_join_code_secret("NOPE", "x")
    assert await store.get_event("NOPE") is None


async def test_an_event_created_with_a_join_code_secret_keeps_it(store: Store) -> None:
    """As `live import` creates an event that requires the code (live/backup/importer.py)."""
    await store.create_event(replace(make_event(), join_code_secret="s3cret"), [make_room("r1")])
    event = await store.get_event(CODE)
    assert event is not None and event.join_code_secret == "s3cret"


async def test_deleting_the_event_drops_the_creation_times(store: Store) -> None:
    await setup_event(store)
    await open_at(store, "p1", joined_before_only=False)
    await store.add_participant(CODE, "u1", "h1", OPENED)
    await store.cast_vote("p1", "u1", YES, None)
    await store.delete_event(CODE)
    await setup_event(store)
    await open_at(store, "p1", joined_before_only=False)
    assert await store.voters_created_since("p1", T0) == []
