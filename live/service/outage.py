"""Store and board failures become one retryable error, in one place.

The services get their store and board through ``guarded``: every call that fails in the
backend (a Redis restart, a full disk, a timeout) raises ``Unavailable``, which the web layer
answers with 503 (a German page, or the API's JSON error shape) and the sockets with an error
frame. No handler wraps a call by hand. Errors that are answers rather than failures pass
through unchanged (``DuplicateKey``: the caller retries with another key).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from live.board.base import Board, BoardError
from live.domain.text import _n
from live.errors import Unavailable
from live.store import DuplicateKey, Store, StoreError

T = TypeVar("T")

UNAVAILABLE = _n("Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es erneut.")


def unavailable() -> Unavailable:
    return Unavailable("unavailable", UNAVAILABLE)


class _Guarded:
    """Forwards to ``target``; its coroutine methods raise Unavailable for backend failures.
    The wrappers are made once per method name and kept (a vote burst calls the store 10,000
    times a second: no new closure per call)."""

    def __init__(self, target: object) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not inspect.iscoroutinefunction(attr):
            return attr
        wrapped = _translating(attr)
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


def guarded_store(store: Store) -> Store:
    return cast("Store", _Guarded(store))


def guarded_board(board: Board) -> Board:
    return cast("Board", _Guarded(board))
