"""Store and board failures become one retryable error, in one place.

The services get their store and board through ``guarded``: every call that fails in the
backend (a Redis restart, a full disk, a timeout) raises ``Unavailable``, which the web layer
answers with 503 (a German page, or the API's JSON error shape) and the sockets with an error
frame. No handler wraps a call by hand. Errors that are answers rather than failures pass
through unchanged (``DuplicateKey``: the caller retries with another key).

Every store call passes here, so this is also where its duration is measured when metrics are
on (``StoreTimer``); the fan-out's own reads (``Store.tick_reader``) pass ``timed_store``.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from live.board.base import Board, BoardError
from live.domain.text import _n
from live.errors import Unavailable
from live.store import DuplicateKey, Store, StoreError

T = TypeVar("T")

# Given a store method's name, what takes each call's duration in seconds (live/metrics.py).
# Asked once per method name, so the per-call cost is a clock read and that function.
StoreTimer = Callable[[str], Callable[[float], None]]

UNAVAILABLE = _n("Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es erneut.")


def unavailable() -> Unavailable:
    return Unavailable("unavailable", UNAVAILABLE)


class _Guarded:
    """Forwards to ``target``; its coroutine methods raise Unavailable for backend failures
    (``translate``) and report their duration (``timer``). The wrappers are made once per
    method name and kept (a vote burst calls the store 10,000 times a second: no new closure
    per call)."""

    def __init__(self, target: object, timer: StoreTimer | None, translate: bool) -> None:
        self._target = target
        self._timer = timer
        self._translate = translate

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not inspect.iscoroutinefunction(attr):
            return attr
        wrapped = attr
        if self._translate:
            wrapped = _translating(wrapped)
        if self._timer is not None:
            wrapped = _timed(wrapped, self._timer(name))
        setattr(self, name, wrapped)
        return wrapped


def _translating(call: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    @functools.wraps(call)
    async def translated(*args: Any, **kwargs: Any) -> T:
        try:
            return await call(*args, **kwargs)
        except DuplicateKey:
            raise
        except (StoreError, BoardError) as exc:
            raise unavailable() from exc

    return translated


def _timed(
    call: Callable[..., Awaitable[T]], observe: Callable[[float], None]
) -> Callable[..., Awaitable[T]]:
    clock = time.perf_counter

    @functools.wraps(call)
    async def timed(*args: Any, **kwargs: Any) -> T:
        started = clock()
        try:
            return await call(*args, **kwargs)
        finally:
            observe(clock() - started)

    return timed


def guarded_store(store: Store, timer: StoreTimer | None = None) -> Store:
    return cast("Store", _Guarded(store, timer, translate=True))


def timed_store(store: Store, timer: StoreTimer | None) -> Store:
    """The store as it is, its calls timed (the fan-out's reads: a failed tick is retried by
    the tick itself, not answered with 503)."""
    return store if timer is None else cast("Store", _Guarded(store, timer, translate=False))


def guarded_board(board: Board) -> Board:
    return cast("Board", _Guarded(board, None, translate=True))
