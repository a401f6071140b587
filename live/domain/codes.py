"""Event join codes: what participants type (or scan) to enter an event.

Codes are generated elsewhere with ``secrets``; this module only defines their shape.
"""

from __future__ import annotations

# No 0/O and 1/I/L (look alike on a projector and in handwriting) and no U (reads as V);
# 30 symbols, 6 places: 30**6 ≈ 729 million codes.
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 6

_ALPHABET_SET = frozenset(ALPHABET)
# Separators people type or paste between the groups: hyphen, typographic hyphens and dashes.
# Whitespace of any kind (also NBSP from copied text) is dropped separately.
_SEPARATORS = str.maketrans("", "", "-\u2010\u2011\u2012\u2013\u2014")


def normalize_code(raw: str) -> str | None:
    """Return the canonical code for what someone typed, or None if it cannot be one.

    Case-insensitive; spaces and hyphens anywhere are ignored. A result always has exactly
    ``CODE_LENGTH`` characters, all from ``ALPHABET``. Look-alikes are *not* mapped (an "O"
    is rejected, not read as something else), so a typo never lands in someone else's event.
    """
    if not isinstance(raw, str):
        return None
    compact = "".join(raw.split()).translate(_SEPARATORS)
    # Checked before upper(): "ß".upper() is "SS" and ligatures expand, which would let
    # non-ASCII input turn into a valid-looking code.
    if not compact.isascii() or len(compact) != CODE_LENGTH:
        return None
    code = compact.upper()
    if not all(ch in _ALPHABET_SET for ch in code):
        return None
    return code


def format_code(code: str) -> str:
    """Display form of a canonical code: "K7M3QX" → "K7M 3QX" (3 + 3, one space).

    A string of another length is returned unchanged: display must never fail.
    """
    if len(code) != CODE_LENGTH:
        return code
    half = CODE_LENGTH // 2
    return f"{code[:half]} {code[half:]}"
