"""Numbers of a load run: percentiles and the vote-to-screen latency."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    n: int
    p50: float
    p95: float
    p99: float
    max: float
    mean: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        return cls(
            len(values),
            percentile(values, 50),
            percentile(values, 95),
            percentile(values, 99),
            max(values),
            sum(values) / len(values),
        )

    def ms(self) -> str:
        """ "p50 / p95 / p99 / max" in milliseconds."""
        return " / ".join(f"{v * 1000:.1f}" for v in (self.p50, self.p95, self.p99, self.max))


def screen_latencies(
    sent: Iterable[float], frames: Iterable[tuple[float, float]]
) -> tuple[list[float], float | None]:
    """Vote-to-screen latency of each vote and when the screen showed the last one.

    ``sent``: the send times of the votes of one poll; ``frames``: (arrival time, progress) of
    the screen's frames of that poll, where progress counts the votes the frame includes (see
    live.loadtest.worker.progress). The j-th vote sent counts as shown at the first frame with
    progress ≥ j that arrived after it was sent: exact when the server stores votes in the
    order they were sent, a close bound otherwise. Votes never shown get no latency."""
    times = sorted(sent)
    arrivals: list[tuple[float, float]] = []
    best = -1.0
    # Frames in arrival order; progress never falls back, but be safe with a running maximum.
    for t, v in sorted(frames):
        best = max(best, v)
        arrivals.append((t, best))
    latencies: list[float] = []
    fi = 0
    for j, t_send in enumerate(times, start=1):
        while fi < len(arrivals) and (arrivals[fi][1] < j or arrivals[fi][0] < t_send):
            fi += 1
        if fi >= len(arrivals):
            break
        latencies.append(arrivals[fi][0] - t_send)
    final = next((t for t, v in arrivals if v >= len(times)), None) if times else None
    return latencies, final
