"""Soft hyphens (U+00AD) in the long words of user text, put in on the server.

Browsers hyphenate German only with a dictionary of their own, and most (Chromium on Linux and
Android, projector PCs) have none, so "Jugendberufsagenturen" in a narrow box breaks wherever the
box ends, without a hyphen. With soft hyphens at the syllables (pyphen's TeX patterns) the
browser breaks there and shows a hyphen; where the word fits, nothing shows.

Invariants (tests/web/test_hyphenate.py):
- only U+00AD is ever added: removing it gives the input back;
- applying it twice gives what applying it once gave (a word that already has a soft hyphen,
  from us or from its author, is left as it is);
- URLs, e-mail addresses, numbers and words shorter than ``MIN_LETTERS`` are left alone.

The fan-out renders every live region on every tick for every room, mostly with the same texts:
both the words and whole texts are cached (bounded, ``lru_cache``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pyphen
from markupsafe import Markup, escape

from live.i18n import Lang

SHY = "\u00ad"

# Shorter words fit any box we have; hyphenating them only adds breaks nobody needs.
MIN_LETTERS = 8

# Pattern files shipped in the pyphen package. The text's own language is unknown; the reader's
# page language is the best guess there is.
_PATTERNS: dict[Lang, str] = {"de": "de_DE", "en": "en_US"}

# pyphen keeps every word it has hyphenated in a dict of its own that never shrinks; user text
# is unbounded, so that dict is emptied when it grows past this (our lru_cache keeps the hot words).
_PYPHEN_MEMO_LIMIT = 20_000

# A run of letters (with combining marks, e.g. a decomposed "ä") and soft hyphens, long enough to
# be worth a look: most words are shorter, and the regex skips them without a Python call.
_LONG_WORD = re.compile(rf"(?:[^\W\d_]|[\u0300-\u036f]|\u00ad){{{MIN_LETTERS},}}")
# A whitespace-separated token that is (or contains) an address: scheme, e-mail, "www.", a path,
# or a domain name ("example.org", "live.example.de/e/ABC"). Soft hyphens would end up in what
# people copy or type.
_ADDRESS = re.compile(
    r"://|@|^[(\[<\"'„“‚‘]*(?:www\.|/)|^[(\[<\"'„“‚‘]*[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:[/:?#]|\W*$)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"(\s+)")
# Tags and character references of markup that is already HTML (the filter's Markup input).
_MARKUP_PART = re.compile(r"(<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);)")


@cache
def _dictionary(lang: Lang) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=_PATTERNS[lang], left=2, right=2)


def load_dictionaries() -> None:
    """Load every language's patterns now (at start-up): loading one takes about 0.15 s, which
    otherwise fell on the first render that hyphenates, e.g. in the middle of a vote burst."""
    for lang in _PATTERNS:
        _dictionary(lang)


@lru_cache(maxsize=32_768)
def hyphenate_word(word: str, lang: Lang) -> str:
    """``word`` (letters only) with a soft hyphen at each syllable break, if it is long enough."""
    if len(word) < MIN_LETTERS or SHY in word:
        return word
    if len(word.lower()) != len(word):
        # pyphen works on the lower-cased word: its positions would not fit ("İ" lowers to two).
        return word
    dictionary = _dictionary(lang)
    points = dictionary.positions(word)
    if len(dictionary.hd.cache) > _PYPHEN_MEMO_LIMIT:
        dictionary.hd.cache.clear()
    parts = []
    start = 0
    for point in points:
        # No one-letter piece between two breaks ("Gesundheits-o-rientierung"), and never
        # between a letter and its combining mark.
        if point - start < 2 or unicodedata.combining(word[point]):
            continue
        parts.append(word[start:point])
        start = point
    parts.append(word[start:])
    return SHY.join(parts)


def _hyphenate_token(token: str, lang: Lang) -> str:
    if _ADDRESS.search(token):
        return token

    def one(match: re.Match[str]) -> str:
        before = token[match.start() - 1] if match.start() else ""
        after = token[match.end()] if match.end() < len(token) else ""
        # Glued to a digit or underscore it is a code or an identifier ("ABC123", "user_name").
        if before.isdigit() or after.isdigit() or "_" in (before, after):
            return match.group()
        return hyphenate_word(match.group(), lang)

    return _LONG_WORD.sub(one, token)


# Texts are cached whole as well: the same questions are rendered on every tick. Questions are
# at most 500 characters, so 4096 of them (with their results) stay in the low megabytes.
@lru_cache(maxsize=4096)
def hyphenate(text: str, lang: Lang) -> str:
    """``text`` with soft hyphens in its long words; everything else exactly as it was."""
    if _LONG_WORD.search(text) is None:
        return text
    parts = _SPACES.split(text)  # tokens at even indexes, the whitespace between at odd ones
    for i in range(0, len(parts), 2):
        if _LONG_WORD.search(parts[i]):
            parts[i] = _hyphenate_token(parts[i], lang)
    return "".join(parts)


def shy(value: object, lang: Lang) -> Markup:
    """The Jinja filter ``|shy``: escaped text with soft hyphens (safe to emit as it is).

    Plain text is hyphenated before escaping (soft hyphens never touch ``<``, ``&`` …, and no
    entity gets split); markup that is already HTML keeps its tags and references untouched.
    """
    if hasattr(value, "__html__"):
        parts = _MARKUP_PART.split(str(value.__html__()))
        return Markup(
            "".join(part if i % 2 else hyphenate(part, lang) for i, part in enumerate(parts))
        )
    return escape(hyphenate(str(value), lang))
