"""Lists pushed to pages within the socket's frame limit (issue 21: no frame above 64 KiB in a
room of 10,000 questions).

A question list (the moderators' queue, the phone's list) is one live region holding a page of
rows. With the longest texts there can be (500 four-byte characters a question, answers of
4,000) a page of rows is larger than a frame may be. So the list is rendered with a hole per
row, and when the whole would pass ``PUSH_LIMIT`` the rows that do not fit are pushed as frames
of their own right after it: the list carries an empty placeholder with the row's id, which
the row's frame replaces (htmx swaps a pushed element by its id). A list that fits, as every
list of ordinary questions does, is pushed whole in one frame, as before.

HTTP answers (the page, an action's answer) are not frames: they always carry the whole list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from live.fanout.types import Region

# The socket's frame limit (docs/api.md: no frame above 64 KiB); a list frame stays below this.
FRAME_LIMIT = 64 * 1024
PUSH_LIMIT = FRAME_LIMIT - 1024

_HOLE = re.compile(r"<!--row:([^>]*)-->")


def hole(key: str) -> str:
    """Where the row ``key`` goes in a list's skeleton."""
    return f"<!--row:{key}-->"


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # the row's DOM id
    html: str
    placeholder: str  # an empty element with the row's id (and what scripts select rows by)


@dataclass(frozen=True, slots=True)
class RowList:
    """A list region: its skeleton (a ``hole`` per row, in order) and its rows."""

    key: str
    skeleton: str
    rows: tuple[Row, ...]

    def _fill(self, html_of: dict[str, str]) -> str:
        return _HOLE.sub(lambda m: html_of.get(m.group(1), ""), self.skeleton)

    @property
    def html(self) -> str:
        """The whole list, every row in place (for HTTP answers)."""
        return self._fill({row.key: row.html for row in self.rows})

    def regions(self, limit: int = PUSH_LIMIT) -> list[Region]:
        """The list as pushed: one region with as many rows, in order, as keep its frame under
        ``limit`` bytes, and a region for each row after those. A row pushed on its own is sent
        again whenever the list is (its body carries the list's), since the list's frame
        replaces the row with its placeholder."""
        size = len(self.skeleton.encode())
        inline: dict[str, str] = {}
        shown: list[str] = []
        deferred: list[Row] = []
        for row in self.rows:
            grow = len(row.html.encode())
            if not deferred and size + grow <= limit:
                inline[row.key] = row.html
                shown.append(row.key)
                size += grow
            else:
                deferred.append(row)
                inline[row.key] = row.placeholder
                size += len(row.placeholder.encode())
        frame = self._fill(inline)
        if not deferred:
            return [Region(self.key, frame, frame, tuple(shown))]
        stamp = f"{hash(frame)}\n"  # in-process only: bodies are compared, never sent
        return [
            Region(self.key, frame, frame, tuple(shown)),
            *(Region(row.key, row.html, stamp + row.html) for row in deferred),
        ]
