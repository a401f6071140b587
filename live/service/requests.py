"""Idempotent writes: a client's ``request_id``, and what a write reports back.

The contract: a repeated ``request_id`` from the same participant is acknowledged again and never
counted twice. The store records the id atomically with the write; these helpers are the
service side of that promise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from live.domain.errors import DomainError
from live.domain.models import Ballot
from live.domain.text import _n
from live.store import Store, VoteOutcome


@dataclass(frozen=True, slots=True)
class WriteResult:
    applied: bool
    version: int | None  # None: an earlier delivery was acknowledged; nothing new happened
    # A vote that was applied: the ballot now stored (a page's answer shows it without a read).
    ballot: Ballot | None = None


def check_request_id(request_id: object, *, required: bool = False) -> str | None:
    """A client's idempotency key: a string of 1..100 characters, or absent (None) unless
    ``required`` (the public socket acknowledges by it, so there it must be present)."""
    if (request_id is None and not required) or (
        isinstance(request_id, str) and 0 < len(request_id) <= 100
    ):
        return request_id
    raise DomainError(
        "invalid_request_id", _n("Die Anfragekennung (request_id) fehlt oder ist ungültig.")
    )


async def already_done(store: Store, participant_id: str, request_id: object) -> bool:
    """Whether a request that now fails was stored before: the client lost our ack, not its
    write, so it is acknowledged again."""
    return isinstance(request_id, str) and await store.request_seen(participant_id, request_id)


async def write_once(
    store: Store,
    participant_id: str,
    request_id: object,
    write: Callable[[str | None], Awaitable[VoteOutcome]],
) -> WriteResult:
    """``write`` (given the checked request id) whose refusal of a request stored before is
    acknowledged again instead (already_done): a room signal's write (mood, pace)."""
    key = check_request_id(request_id)
    try:
        outcome = await write(key)
    except DomainError:
        if await already_done(store, participant_id, request_id):
            return WriteResult(False, None)
        raise
    return WriteResult(outcome.applied, outcome.version)
