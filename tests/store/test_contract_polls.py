"""The Store contract for issue 17's poll settings (once per backend, see conftest.BACKENDS):
the projector's own results setting, several answers in one text ballot, and the words and
answers moderators hide from a word cloud."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from live.domain.models import Ballot
from live.store import Store, StoreError
from tests.store.test_contract import (
    add_open_poll,
    close_poll,
    make_poll,
    open_poll,
    setup_event,
)

# --- settings -----------------------------------------------------------------------------


async def test_screen_results_and_max_answers_round_trip(store: Store) -> None:
    await setup_event(store)
    text = replace(make_poll("t", kind="text"), max_answers=3, screen_results="after_close")
    plain = make_poll("p")
    await store.add_poll(text)
    await store.add_poll(plain)
    assert await store.get_poll("t") == text
    assert await store.list_polls("r1") == [plain, text]
    assert (plain.screen_results, plain.max_answers) == ("live", 1)


async def test_update_poll_stores_screen_results_but_not_max_answers(store: Store) -> None:
    await setup_event(store)
    poll = replace(make_poll("t", kind="text"), max_answers=2)
    await store.add_poll(poll)
    before = await store.room_version("r1")
    changed = replace(poll, screen_results="after_close")
    assert await store.update_poll(replace(changed, max_answers=3)) > before
    assert await store.get_poll("t") == changed
    # Back to "live" with the next update that carries it.
    opened = await open_poll(store, replace(changed, screen_results="live"))
    assert await store.get_poll("t") == opened


# --- several answers per ballot -----------------------------------------------------------


async def test_a_ballot_holds_several_answers_and_counts_one_voter(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, replace(make_poll("t", kind="text"), max_answers=3))
    await store.cast_vote("t", "u1", Ballot(texts=("Personal", "Zeit", "Geld")), "a")
    await store.cast_vote("t", "u2", Ballot(texts=("Zeit",)), None)
    tally = await store.tally(poll)
    # Every answer, ballot by ballot in order of the last change, each in the order typed.
    assert tally.texts == ("Personal", "Zeit", "Geld", "Zeit")
    assert tally.voters == 2
    # A changed ballot replaces all its answers (and moves to the end); a repeat changes nothing.
    await store.cast_vote("t", "u1", Ballot(texts=("Ruhe",)), "b")
    assert not (await store.cast_vote("t", "u1", Ballot(texts=("x", "y")), "b")).applied
    tally = await store.tally(poll)
    assert (tally.texts, tally.voters) == (("Zeit", "Ruhe"), 2)
    assert await store.ballots(["t"]) == {
        "t": {"u1": Ballot(texts=("Ruhe",)), "u2": Ballot(texts=("Zeit",))}
    }
    assert await store.participant_ballots("u1", ["t"]) == {"t": Ballot(texts=("Ruhe",))}


# --- hidden words and answers -------------------------------------------------------------


async def test_hidden_entries_are_a_set_per_poll(store: Store) -> None:
    await setup_event(store)
    poll = await add_open_poll(store, make_poll("t", kind="text"))
    other = await add_open_poll(store, make_poll("u", kind="text"))
    version = await store.room_version("r1")
    assert await store.set_hidden("t", "word", "zeit", "Zeit", True) == version + 1
    await store.set_hidden("t", "word", "bürokratie", "Bürokratie", True)
    await store.set_hidden("t", "answer", "zu viel bürokratie", "Zu viel Bürokratie", True)
    got = await store.get_poll("t")
    # Ordered by the case-folded key, as the moderator wrote them.
    assert got == replace(
        poll, hidden_words=("Bürokratie", "Zeit"), hidden_answers=("Zu viel Bürokratie",)
    )
    assert await store.list_polls("r1") == [got, other]
    # Hiding the same key again keeps one entry, in the newer spelling.
    await store.set_hidden("t", "word", "zeit", "ZEIT", True)
    got = await store.get_poll("t")
    assert got is not None and got.hidden_words == ("Bürokratie", "ZEIT")
    # Showing it again removes it; showing what is not hidden changes nothing but the version.
    await store.set_hidden("t", "word", "zeit", "zeit", False)
    before = await store.room_version("r1")
    assert await store.set_hidden("t", "answer", "nie versteckt", "nie versteckt", False) > before
    got = await store.get_poll("t")
    assert got is not None
    assert (got.hidden_words, got.hidden_answers) == (("Bürokratie",), ("Zu viel Bürokratie",))
    assert await store.get_poll("u") == other


async def test_hidden_entries_survive_poll_updates_and_are_ignored_on_writes(
    store: Store,
) -> None:
    await setup_event(store)
    poll = make_poll("t", kind="text")
    # add_poll and update_poll ignore the hidden entries of their argument.
    await store.add_poll(replace(poll, hidden_words=("Fremd",), hidden_answers=("Fremd",)))
    assert await store.get_poll("t") == poll
    await store.set_hidden("t", "word", "zeit", "Zeit", True)
    opened = await open_poll(store, poll)  # its argument has no hidden entries
    closed = await close_poll(store, opened)
    assert await store.get_poll("t") == replace(closed, hidden_words=("Zeit",))


async def test_set_hidden_on_an_unknown_poll_is_refused(store: Store) -> None:
    await setup_event(store)
    with pytest.raises(StoreError):
        await store.set_hidden("missing", "word", "zeit", "Zeit", True)
    await add_open_poll(store, make_poll("t", kind="text"))
    with pytest.raises(ValueError):
        await store.set_hidden("t", "sentence", "x", "x", True)  # type: ignore[arg-type]


async def test_concurrent_hides_are_all_kept(store: Store) -> None:
    await setup_event(store)
    await add_open_poll(store, make_poll("t", kind="text"))
    words = [f"wort{i:02d}" for i in range(40)]
    versions = await asyncio.gather(
        *(store.set_hidden("t", "word", word, word.upper(), True) for word in words),
        *(store.set_hidden("t", "answer", word, word, True) for word in words[:10]),
    )
    assert len(set(versions)) == 50
    got = await store.get_poll("t")
    assert got is not None
    assert got.hidden_words == tuple(word.upper() for word in words)
    assert got.hidden_answers == tuple(words[:10])
