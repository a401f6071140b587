import unicodedata

import pytest

from live.domain.text import _n, clean_text

ZWJ_EMOJI = "👩\u200d💻"  # woman technologist: two code points joined by U+200D


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Wie geht es Ihnen?", "Wie geht es Ihnen?"),
        ("  Hallo  ", "Hallo"),
        ("Zeile 1\nZeile 2\r\nZeile 3", "Zeile 1 Zeile 2 Zeile 3"),
        ("a\t\tb", "a b"),
        ("a\u00a0\u2003b", "a b"),  # NBSP, em space
        ("a\u2028\u2029b", "a b"),  # line and paragraph separator
        ("a\x00b", "ab"),
        ("\x1b[31mrot\x1b[0m", "[31mrot[0m"),  # ANSI escape loses its ESC
        ("a\x7f\x85\x9fb", "a b"),  # DEL, NEL (whitespace), C1 APC
        ("a \x00 b", "a b"),  # removal must not leave a double space
        ("", ""),
        ("   \n\t ", ""),
        ("\x00\x01\x02", ""),
    ],
)
def test_whitespace_and_controls(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # "exe.txt" displayed as "txt.exe": the classic RLO trick.
        ("rechnung\u202etxt.exe", "rechnungtxt.exe"),
        ("\u202a\u202b\u202c\u202d\u202eText", "Text"),
        ("\u2066\u2067\u2068\u2069Text", "Text"),
        ("א\u202cב", "אב"),
    ],
)
def test_bidi_overrides_removed(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        ZWJ_EMOJI,
        "👨\u200d👩\u200d👧",
        "🏳️\u200d🌈",
        "Straße",
        "مرحبا",  # right-to-left script itself is fine
        "Ein\u00adtrag",  # soft hyphen
        "\u200e",  # LRM is a mark, not an override
    ],
)
def test_legitimate_characters_kept(kept: str) -> None:
    assert clean_text(kept) == kept


def test_nfc_normalisation() -> None:
    decomposed = "Bu\u0308rger"  # u + combining diaeresis
    assert clean_text(decomposed) == "Bürger"
    assert unicodedata.is_normalized("NFC", clean_text(decomposed))


def test_composes_after_removing_a_control_between_letter_and_mark() -> None:
    assert clean_text("u\u202e\u0308") == "ü"


def test_lone_surrogates_removed() -> None:
    cleaned = clean_text("a\ud800b\udfffc")
    assert cleaned == "abc"
    cleaned.encode("utf-8")  # would raise with a surrogate left in


@pytest.mark.parametrize(
    "raw",
    [
        " x\u202e\ty\n\n z ",
        "Bu\u0308rger\x00 \u2067",
        ZWJ_EMOJI + "\r\n" + "x" * 50,
        "\u00a0" * 3 + "a" + "\x85",
    ],
)
def test_idempotent_and_invariants(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    assert "  " not in once
    assert once == once.strip()
    assert all(unicodedata.category(ch) not in ("Cc", "Cs") for ch in once)


def test_long_input_is_cleaned_not_truncated() -> None:
    # Length limits are the caller's business; cleaning never cuts text.
    assert clean_text("a" * 10_000) == "a" * 10_000
    assert clean_text("a " * 10_000) == ("a " * 10_000).strip()


def test_translation_marker_is_identity() -> None:
    assert _n("Diese Abstimmung ist bereits beendet.") == "Diese Abstimmung ist bereits beendet."
