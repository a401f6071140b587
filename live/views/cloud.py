"""The word cloud as the templates draw it: one layout per (words, box), cached.

The fan-out renders a room's regions once per tick and view, and a participant's results once
per personal variant: all of them draw the same words, so the layout is computed once.
"""

from __future__ import annotations

from functools import lru_cache

from live.domain.cloud import PHONE, WALL, Box, Cloud, layout

# "wall": the projector and the moderators' copy of it (16:9); "phone": the participants' page.
BOXES: dict[str, Box] = {"wall": WALL, "phone": PHONE}


@lru_cache(maxsize=256)
def _cloud(words: tuple[tuple[str, int], ...], box: str) -> Cloud:
    return layout(words, BOXES[box])


def word_cloud(words: tuple[tuple[str, int], ...] | None, box: str = "wall") -> Cloud:
    """The laid-out cloud of a text poll's ``results.words`` for ``box`` ("wall" or "phone")."""
    if box not in BOXES:
        raise ValueError(f"unknown cloud box {box!r}")
    return _cloud(tuple(words or ()), box)
