"""The moderators' controls over a text poll's word cloud: which words and answers they can take
out of it (and put back), as templates/fragments/mod_results.html lists them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from live.domain.models import HiddenKind, Poll, Results
from live.domain.polls import hidden_key

# Words listed with their button at once; the rest of the cloud's words wait in a <details>.
TOP_WORDS = 20


@dataclass(frozen=True, slots=True)
class CloudEntry:
    kind: HiddenKind
    text: str
    count: int | None  # None for a hidden entry: it is no longer counted
    # Part of the DOM id of the entry's button: the same for its "hide" and its "show again"
    # button, so the focus follows the entry from one list to the other after a swap.
    ident: str


@dataclass(frozen=True, slots=True)
class CloudControls:
    top_words: tuple[CloudEntry, ...]
    more_words: tuple[CloudEntry, ...]
    answers: tuple[CloudEntry, ...]  # the distinct answers (capped by the results)
    hidden_words: tuple[CloudEntry, ...]
    hidden_answers: tuple[CloudEntry, ...]

    @property
    def hidden(self) -> tuple[CloudEntry, ...]:
        return self.hidden_words + self.hidden_answers


def entry_ident(kind: HiddenKind, text: str) -> str:
    """``kind`` and a digest of the entry as results compare it (case-folded): safe in an id
    whatever was typed, and equal for every spelling of the same entry."""
    digest = hashlib.sha256(hidden_key(text).encode()).hexdigest()[:12]
    return f"{kind}-{digest}"


def _entries(
    kind: HiddenKind, rows: tuple[tuple[str, int], ...] | tuple[str, ...]
) -> tuple[CloudEntry, ...]:
    entries = []
    for row in rows:
        text, count = row if isinstance(row, tuple) else (row, None)
        entries.append(CloudEntry(kind, text, count, entry_ident(kind, text)))
    return tuple(entries)


def cloud_controls(poll: Poll, results: Results) -> CloudControls | None:
    """The controls of a text poll (None for other kinds). Hidden entries are not in the
    results, so no entry is listed twice."""
    if poll.kind != "text":
        return None
    words = _entries("word", results.words or ())
    return CloudControls(
        top_words=words[:TOP_WORDS],
        more_words=words[TOP_WORDS:],
        answers=_entries("answer", results.answers),
        hidden_words=_entries("word", poll.hidden_words),
        hidden_answers=_entries("answer", poll.hidden_answers),
    )
