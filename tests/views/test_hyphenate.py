"""Soft hyphens in user text (live/views/hyphenate.py) and the ``|shy`` template filter."""

from __future__ import annotations

import random

import pytest
from markupsafe import Markup

from live.i18n import Lang
from live.views import hyphenate as hyphenation
from live.views.hyphenate import MIN_LETTERS, SHY, hyphenate, hyphenate_word, shy
from live.views.templating import environment


def dashed(text: str) -> str:
    """Soft hyphens made visible, for readable expectations."""
    return text.replace(SHY, "-")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Gesundheitsorientierungsprogramm", "Ge-sund-heits-ori-en-tie-rungs-pro-gramm"),
        ("Jugendberufsagenturen", "Ju-gend-be-rufs-agen-tu-ren"),
        ("Eingliederungsvereinbarungen", "Ein-glie-de-rungs-ver-ein-ba-run-gen"),
        ("Landkreistag", "Land-kreis-tag"),
        ("Abstimmung", "Ab-stim-mung"),
        ("Straßenbahnhaltestelle", "Stra-ßen-bahn-hal-te-stel-le"),
        # Upper case is hyphenated like lower case; the letters stay as they are.
        ("ÄRZTEKAMMER", "ÄRZ-TE-KAM-MER"),
    ],
)
def test_german_words_get_soft_hyphens_at_their_syllables(word: str, expected: str) -> None:
    assert dashed(hyphenate(word, "de")) == expected


def test_english_pages_use_english_patterns() -> None:
    assert dashed(hyphenate("responsibilities", "en")) == "re-spon-si-bil-ities"


def test_no_one_letter_piece_between_two_breaks() -> None:
    # The patterns allow "Gesundheits-o-rientierung"; a lone "o-" at a line end reads badly.
    assert "-o-" not in dashed(hyphenate_word("Gesundheitsorientierung", "de"))


@pytest.mark.parametrize(
    "text",
    [
        "Wie geht es Ihnen heute?",  # every word shorter than MIN_LETTERS
        "Tagesordnung"[: MIN_LETTERS - 1],
        "https://example.org/Gesundheitsorientierungsprogramm",
        "(https://example.org/Gesundheitsorientierungsprogramm).",
        "www.jugendberufsagenturen.de",
        "jugendberufsagenturen.de/anmeldeformular",
        "anmeldung@jugendberufsagenturen.de",
        "/e/ABCDEF/Gesundheitsorientierungsprogramm",
        "1234567890 3.141592653 1.000.000",
        "Abschnitt_Gesundheitsorientierungsprogramm Gesundheitsorientierung2024",
        # The author's own soft hyphens stand: the word is left as it was typed.
        f"Gesundheits{SHY}orientierungsprogramm",
    ],
)
def test_left_alone(text: str) -> None:
    assert hyphenate(text, "de") == text


def test_only_the_words_of_a_sentence_change_around_an_address() -> None:
    text = "Anmeldung bei anmeldung@jugendberufsagenturen.de, Programm auf https://example.org."
    assert dashed(hyphenate(text, "de")) == (
        "An-mel-dung bei anmeldung@jugendberufsagenturen.de, Pro-gramm auf https://example.org."
    )


def test_compounds_keep_their_hyphen_and_get_soft_hyphens_in_each_part() -> None:
    text = "Jugendberufsagenturen-Gesundheitsorientierungsprogramm"
    assert hyphenate(text, "de") == (
        hyphenate_word("Jugendberufsagenturen", "de")
        + "-"
        + hyphenate_word("Gesundheitsorientierungsprogramm", "de")
    )
    assert SHY in hyphenate_word("Jugendberufsagenturen", "de")


def test_words_next_to_punctuation_and_numbers_are_hyphenated() -> None:
    text = "„Eingliederungsvereinbarungen“ (2024er-Jahrgangsbesprechung)!"
    assert dashed(hyphenate(text, "de")) == (
        "„Ein-glie-de-rungs-ver-ein-ba-run-gen“ (2024er-Jahr-gangs-be-spre-chung)!"
    )


# Pieces for random texts: words long and short, compounds, addresses, numbers, odd letters
# (combining marks, dotted capital I, sharp s), emoji with joiners, CJK, soft hyphens,
# markup-like text, every kind of whitespace the store lets through (and some it does not).
PIECES = [
    "Gesundheitsorientierungsprogramm",
    "Jugendberufsagenturen",
    "Arbeitsmarktintegrationsmaßnahmen",
    "Eingliederungsvereinbarungen",
    "Landkreistag",
    "und",
    "Sie",
    "Bürgerinnen/Bürgerbeteiligung",
    "Kreis-Jugendamt-Fachbereichsleitung",
    "ARBEITSMARKTPOLITIK",
    "İSTANBULKONFERENZ",
    "Straße",
    "Kooperationsvereinbarung\u0308en",
    "Mu\u0308llverbrennungsanlage",
    "https://example.org/Gesundheitsorientierungsprogramm?x=1#Teil",
    "jugendberufsagenturen.de",
    "info@jugendberufsagenturen.de",
    "2024",
    "3,5",
    "COVID19Maßnahmenpaket",
    "👩\u200d💻",
    "東京都庁舎",
    SHY,
    f"Gesund{SHY}heitsorientierungsprogramm",
    "<script>alert('Eingliederungsvereinbarungen')</script>",
    "&amp;",
    "\n",
    "\u00a0",
    "\t",
    "-",
    "…",
]


def random_texts(count: int) -> list[str]:
    rng = random.Random(1717)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 12)):
            if rng.random() < 0.15:
                # Arbitrary characters from the first planes, letters mostly.
                parts.append("".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(9)))
            else:
                parts.append(rng.choice(PIECES))
            parts.append(rng.choice(["", " ", " ", "  ", "\n", ", ", "-", "/"]))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("lang", ["de", "en"])
def test_never_changes_what_the_text_says_and_is_idempotent(lang: Lang) -> None:
    for text in random_texts(2000):
        once = hyphenate(text, lang)
        assert once.replace(SHY, "") == text.replace(SHY, ""), text
        # Only soft hyphens are added, and nothing is taken away.
        assert len(once) - len(text) == once.count(SHY) - text.count(SHY), text
        assert hyphenate(once, lang) == once, text


def test_the_random_texts_do_get_hyphenated() -> None:
    # Guards the property test above against passing because nothing was ever changed.
    changed = [t for t in random_texts(200) if hyphenate(t, "de") != t]
    assert len(changed) > 100


def test_pyphen_s_own_word_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hyphenation, "_PYPHEN_MEMO_LIMIT", 50)
    hyphenate_word.cache_clear()
    rng = random.Random(5)
    for _ in range(500):
        word = "".join(rng.choice("abcdefghiklmnoprstuü") for _ in range(12))
        hyphenate_word(word, "de")
    assert len(hyphenation._dictionary("de").hd.cache) <= 51
    hyphenate_word.cache_clear()


def test_filter_escapes_user_text_and_adds_soft_hyphens() -> None:
    hostile = '<script>alert("Eingliederungsvereinbarungen")</script> & Jugendberufsagenturen'
    out = shy(hostile, "de")
    assert isinstance(out, Markup)
    assert "<script" not in out
    assert out.startswith("&lt;script&gt;alert(&#34;Ein\u00adglie")
    assert "&amp; Ju\u00adgend" in out
    assert out.replace(SHY, "") == Markup.escape(hostile)


def test_filter_keeps_markup_that_is_already_html() -> None:
    out = shy(Markup('<b class="Gesundheitsorientierung">Jugendberufsagenturen</b>&amp;'), "de")
    assert out == Markup(
        f'<b class="Gesundheitsorientierung">{hyphenate("Jugendberufsagenturen", "de")}</b>&amp;'
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_template_filter_escapes_and_hyphenates(lang: Lang) -> None:
    template = environment(lang).from_string("<p>{{ text|shy }}</p><p>{{ number|shy }}</p>")
    out = template.render(text="<script>Jugendberufsagenturen</script>", number=42)
    assert "<script>" not in out
    assert out.startswith("<p>&lt;script&gt;Ju\u00adgend")
    assert out.endswith("<p>42</p>")
