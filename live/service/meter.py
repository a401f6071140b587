"""What the participants' writes tell the operator: how many were stored, how many refused.

The services report to a ``WriteMeter`` (live/metrics.py counts for Prometheus; ``NO_METER``
when metrics are off). A write counts once it is stored (``wrote``, where the store said it
applied: a repeated ``request_id`` is not a second write); a refusal counts with its error
code (``refused``, by the ``counts_refusals`` decorator), a fixed snake_case word, never user
text.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Concatenate, Literal, ParamSpec, Protocol, TypeVar

from live.domain.errors import DomainError

WriteKind = Literal["vote", "question", "upvote", "mood", "applause", "idea"]
WRITE_KINDS: tuple[WriteKind, ...] = ("vote", "question", "upvote", "mood", "applause", "idea")


class WriteMeter(Protocol):
    def wrote(self, kind: WriteKind) -> None: ...

    def refused(self, kind: WriteKind, code: str) -> None: ...


class _NoMeter:
    def wrote(self, kind: WriteKind) -> None:
        pass

    def refused(self, kind: WriteKind, code: str) -> None:
        pass


NO_METER: WriteMeter = _NoMeter()


class Metered(Protocol):
    meter: WriteMeter


S = TypeVar("S", bound=Metered)
P = ParamSpec("P")
R = TypeVar("R")
Method = Callable[Concatenate[S, P], Awaitable[R]]


def counts_refusals(kind: WriteKind) -> Callable[[Method[S, P, R]], Method[S, P, R]]:
    """A write method whose refusals (every DomainError it raises, an outage's ``unavailable``
    too) are counted as ``kind``."""

    def decorate(method: Method[S, P, R]) -> Method[S, P, R]:
        @functools.wraps(method)
        async def counted(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await method(self, *args, **kwargs)
            except DomainError as exc:
                self.meter.refused(kind, exc.code)
                raise

        return counted

    return decorate
