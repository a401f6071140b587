"""The blocklist: words that keep an answer out of the word cloud and a question off the public
list until a moderator has looked at it (issue 24, answer moderation).

Pure. An event's list is the shipped default list (blocklist_de.txt, unless the event switched
it off), less the default entries the event switched off, plus the event's own entries. It is
compiled once per distinct list (``for_event``, cached by the list's content: an edit makes a
new key, so there is nothing to invalidate by hand) and remembers what it decided per text, so
the word cloud, re-counted on every tick, costs a dictionary lookup per answer.

How an entry matches a word (written down in blocklist_de.txt and docs/api.md):
- ``Idiot``: the word itself and its inflected forms, i.e. the entry followed by one of the
  German inflection endings (ENDINGS): Idiot, Idioten, Idiotin, Idiotinnen, but not Idiotie.
  Entries shorter than MIN_STEM letters match the word itself only: "Sau" must not take "sauer".
- ``arsch*``: every word that starts with it (derivations, compounds with the entry first).
- ``*trottel``: every word that ends with it, inflected (compounds with the entry last:
  Volltrottel, Volltrotteln).
- ``*idiot*``: every word that contains it.
A plain entry never matches inside a longer word: "Arsch" does not match "Marsch", "Mongo" not
"Mongolei", "Assi" not "Assistenz". That is how the Scunthorpe problem is avoided: only entries
the list's author marked with ``*`` reach into other words.

Both sides are compared in one normal form (``fold``): NFKC, case-folded (ß → ss), umlauts as
their two-letter spellings (ä → ae, so "Arschlöcher" and "Arschloecher" are one word), and, in
a word that has letters, the common digit and symbol look-alikes read as letters (1d10t, @rsch,
$hit); runs of three or more equal letters shrink to one (Idiooot). Words are runs of letters,
digits, @ and $; a hyphenated compound is checked part by part and joined ("Voll-Idiot").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from live.domain.errors import DomainError
from live.domain.models import Event
from live.domain.text import _n, clean_text

# The inflection endings a plain entry may carry (nouns: plural, genitive, dative plural,
# feminine; adjectives: strong and weak endings).
ENDINGS: tuple[str, ...] = (
    "",
    "e",
    "em",
    "en",
    "ens",
    "er",
    "ern",
    "es",
    "n",
    "ns",
    "s",
    "in",
    "innen",
)
MIN_STEM = 4  # letters a plain entry needs before it takes endings
MAX_ENTRY_LEN = 40
MIN_ENTRY_LETTERS = 2
MAX_OWN_ENTRIES = 300  # an event's own entries, and as many switched-off default entries

# What the event's list holds apart from the default list: its own entries, and the default
# entries it switched off.
BlockKind = Literal["added", "removed"]
BLOCK_KINDS: tuple[BlockKind, ...] = ("added", "removed")

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_TOKEN = re.compile(r"(?:[^\W_]|[@$])+(?:[-\u2010\u2011](?:[^\W_]|[@$])+)*")
_HYPHENS = re.compile(r"[-\u2010\u2011]")
_RUNS = re.compile(r"(.)\1\1+")
_ENTRY = re.compile(r"\*?[^\W\d_]+\*?")
# Remembered decisions per compiled list; emptied when full (answers repeat from tick to tick,
# a burst of new ones refills it within one tick).
_MEMO_LIMIT = 50_000


def fold(word: str) -> str:
    """The form words and entries are compared in (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    # NFKC composes "a" + combining diaeresis into "ä" first, so both spellings fold alike.
    folded = folded.translate(_UMLAUTS)
    if any(ch.isalpha() for ch in folded):
        folded = folded.translate(_LEET)
    return _RUNS.sub(r"\1", folded)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry: its key (folded, with its ``*``) and how it was written."""

    key: str
    shown: str


def check_entry(raw: object) -> Entry:
    """A valid entry from what a moderator typed: letters (any script), optionally ``*`` at the
    start and/or the end, at least two letters, at most MAX_ENTRY_LEN characters."""
    if not isinstance(raw, str) or not (text := clean_text(raw)):
        raise DomainError("empty_entry", _n("Bitte geben Sie ein Wort ein."))
    if len(text) > MAX_ENTRY_LEN:
        msg = _n("Ein Eintrag darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("entry_too_long", msg, max=MAX_ENTRY_LEN)
    letters = text.strip("*")
    if not _ENTRY.fullmatch(text) or len(letters) < MIN_ENTRY_LETTERS:
        msg = _n(
            "Ein Eintrag ist ein einzelnes Wort aus Buchstaben (mindestens zwei), "
            "mit * am Anfang oder Ende für Wortteile."
        )
        raise DomainError("invalid_entry", msg)
    prefix = "*" if text.startswith("*") else ""
    suffix = "*" if text.endswith("*") else ""
    return Entry(prefix + fold(letters) + suffix, text)


@cache
def default_entries() -> tuple[Entry, ...]:
    """The shipped list (blocklist_de.txt), in the file's order."""
    text = resources.files("live.domain").joinpath("blocklist_de.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(check_entry(line) for line in lines if line)


@cache
def default_keys() -> frozenset[str]:
    return frozenset(e.key for e in default_entries())


class Blocklist:
    """A compiled list. ``blocks(text)``: whether a text contains a listed word;
    ``matches(text)``: which of its words do (as written), for the moderators."""

    __slots__ = (
        "_any",
        "_contains",
        "_exact",
        "_memo",
        "_prefix",
        "_prefix_lengths",
        "_suffix",
        "keys",
    )

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(keys)
        self._exact: set[str] = set()  # plain entries with their endings
        self._prefix: set[str] = set()
        suffix: list[str] = []  # "*x": x + every ending, checked with endswith
        contains: list[str] = []
        for key in self.keys:
            core = key.strip("*")
            if key.startswith("*") and key.endswith("*"):
                contains.append(core)
            elif key.endswith("*"):
                self._prefix.add(core)
            elif key.startswith("*"):
                suffix.extend(core + ending for ending in ENDINGS)
            elif len(core) < MIN_STEM:
                self._exact.add(core)
            else:
                self._exact.update(core + ending for ending in ENDINGS)
        self._prefix_lengths = sorted({len(p) for p in self._prefix})
        self._contains = (
            re.compile("|".join(re.escape(c) for c in sorted(contains))) if contains else None
        )
        self._suffix = tuple(suffix)
        # Every way of matching needs the entry's letters somewhere in the folded text: one
        # search for any of them settles most texts (those without) in a few microseconds.
        cores = sorted({key.strip("*") for key in self.keys}, key=lambda c: (-len(c), c))
        self._any = re.compile("|".join(re.escape(c) for c in cores)) if cores else None
        self._memo: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.keys)

    def _word(self, folded: str) -> bool:
        if folded in self._exact:
            return True
        if any(folded[:n] in self._prefix for n in self._prefix_lengths):
            return True
        if self._suffix and folded.endswith(self._suffix):
            return True
        return self._contains is not None and self._contains.search(folded) is not None

    def _token(self, token: str) -> bool:
        parts = _HYPHENS.split(token)
        if len(parts) > 1 and self._word(fold("".join(parts))):
            return True
        return any(self._word(fold(part)) for part in parts)

    def matches(self, text: str) -> tuple[str, ...]:
        """The words of ``text`` that the list blocks, as written (NFKC: a combining umlaut
        composed, as stored text has it anyway), each once, in order."""
        if not self.keys:
            return ()
        found: dict[str, None] = {}
        for match in _TOKEN.finditer(unicodedata.normalize("NFKC", text)):
            if self._token(match.group()):
                found[match.group()] = None
        return tuple(found)

    def _candidate(self, normal: str) -> bool:
        """Whether some entry's letters occur in the text folded as a whole (look-alikes read
        everywhere, hyphens both kept and dropped): a word that matches always has them, so
        False here means no word matches."""
        if self._any is None:
            return False
        wide = normal.casefold().translate(_UMLAUTS).translate(_LEET)
        kept = _RUNS.sub(r"\1", wide)
        joined = _RUNS.sub(r"\1", _HYPHENS.sub("", wide))
        return self._any.search(kept) is not None or self._any.search(joined) is not None

    def blocks(self, text: str) -> bool:
        if not self.keys:
            return False
        known = self._memo.get(text)
        if known is None:
            normal = unicodedata.normalize("NFKC", text)
            known = self._candidate(normal) and any(
                self._token(m.group()) for m in _TOKEN.finditer(normal)
            )
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[text] = known
        return known


@lru_cache(maxsize=128)
def compiled(default_on: bool, added: tuple[str, ...], removed: tuple[str, ...]) -> Blocklist:
    """The list of an event with these settings (``added``/``removed``: entries as shown)."""
    keys = set(default_keys()) if default_on else set()
    keys -= {check_entry(e).key for e in removed}
    keys |= {check_entry(e).key for e in added}
    return Blocklist(keys)


def for_event(event: Event) -> Blocklist:
    """The event's compiled list (cached: the same settings give the same object)."""
    return compiled(event.blocklist_default, event.blocklist_added, event.blocklist_removed)
