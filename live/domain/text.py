"""Cleaning of free text typed by people (poll questions, options, answers, later Q&A).

Everything that is stored or shown passes through ``clean_text`` first, so the rest of the code
can rely on: NFC-normalised, no control characters, no bidi overrides, no line breaks, single
spaces only, no leading or trailing whitespace.
"""

from __future__ import annotations

import unicodedata

# Bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they can make text on
# the projector read differently from what was typed ("RTL override" tricks) and can leak their
# direction into the surrounding page. Other format characters stay: ZWJ (U+200D) holds emoji
# sequences such as 👩‍💻 together and soft hyphens or joiners are legitimate in real text.
_BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _n(s: str) -> str:
    """Mark ``s`` as a German msgid for translation extraction; returns it unchanged.

    The domain has no locale; the web layer translates ``DomainError.message`` at render time.
    """
    return s


def _keep(ch: str) -> str:
    if ch.isspace():
        # Tabs, newlines, NBSP, U+2028 … all become a plain space; runs are collapsed below.
        return " "
    if ch in _BIDI_CONTROLS:
        return ""
    category = unicodedata.category(ch)
    # Cc: C0/C1 controls such as NUL or ESC. Cs: lone surrogates, which only reach us through
    # "\\ud800"-style JSON escapes and would make every later UTF-8 encode (store, HTML) fail.
    if category in ("Cc", "Cs"):
        return ""
    return ch


def clean_text(raw: str) -> str:
    """Return ``raw`` NFC-normalised, without control/bidi characters, whitespace collapsed.

    Idempotent: ``clean_text(clean_text(x)) == clean_text(x)``. The result never contains
    a character of category Cc or Cs, U+202A–U+202E or U+2066–U+2069, never two spaces in
    a row and never starts or ends with a space.
    """
    # Filter before normalising: removing a control character can bring a base letter and a
    # combining mark together, and NFC must see them side by side to compose them.
    filtered = "".join(_keep(ch) for ch in raw)
    normalised = unicodedata.normalize("NFC", filtered)
    return " ".join(normalised.split())
