import pytest

from live.domain.words import STOP_WORDS, count_words


def test_stop_word_list_is_substantial() -> None:
    assert len(STOP_WORDS) >= 250
    for word in ["der", "die", "das", "und", "oder", "nicht", "für", "über", "wir", "haben"]:
        assert word in STOP_WORDS
    for word in ["the", "and", "of"]:
        assert word in STOP_WORDS
    assert all(word == word.lower() and " " not in word for word in STOP_WORDS)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([], ()),
        (["", "   "], ()),
        (["Digitalisierung"], (("Digitalisierung", 1),)),
        # Case folding: counted together, shown in the most frequent spelling.
        (
            ["Digitalisierung", "digitalisierung", "Digitalisierung"],
            (("Digitalisierung", 3),),
        ),
        # Tie between spellings: the one seen first wins.
        (["digitalisierung", "DIGITALISIERUNG"], (("digitalisierung", 2),)),
        # ß folds to ss: "Straße" and "STRASSE" are one word.
        (["Straße", "STRASSE", "Straße"], (("Straße", 3),)),
        # German stop words and English filler are dropped.
        (
            ["Die Digitalisierung und die Bürokratie", "the Bürokratie is a problem"],
            (("Bürokratie", 2), ("Digitalisierung", 1), ("problem", 1)),
        ),
        # Stop words match case-insensitively, also ß/ss spellings.
        (["DASS Dass daß Außer AUSSER Wetter"], (("Wetter", 1),)),
        # Every occurrence counts, also within one answer.
        (["Bürokratie, Bürokratie, Bürokratie!"], (("Bürokratie", 3),)),
        # In-word hyphens keep the word together; stray hyphens do not.
        (
            ["E-Mail und e-mail", "-Termin- Job-Center"],
            (("E-Mail", 2), ("Job-Center", 1), ("Termin", 1)),
        ),
        # Pure numbers and single characters go; numbers with letters stay.
        (["2024 1-2 x 5G B2B ü"], (("5G", 1), ("B2B", 1))),
        # Punctuation, quotes and underscores separate words.
        (
            ['"Team"-Arbeit;Fortbildung_Schulung'],
            (("Arbeit", 1), ("Fortbildung", 1), ("Schulung", 1), ("Team", 1)),
        ),
    ],
)
def test_count_words(texts: list[str], expected: tuple[tuple[str, int], ...]) -> None:
    assert count_words(texts) == expected


def test_sorted_by_count_then_case_insensitive_word() -> None:
    texts = ["beta Alpha gamma", "gamma Beta", "gamma", "alpha"]
    assert count_words(texts) == (("gamma", 3), ("Alpha", 2), ("beta", 2))


def test_order_independent_of_input_order_for_distinct_counts() -> None:
    texts = ["zebra apfel", "apfel mango", "apfel"]
    assert count_words(texts) == count_words(list(reversed(texts)))


@pytest.mark.parametrize(("limit", "size"), [(0, 0), (-1, 0), (1, 1), (3, 3), (60, 26)])
def test_limit(limit: int, size: int) -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    texts = [f"{ch}{ch}wort " * (i + 1) for i, ch in enumerate(letters)]
    rows = count_words(texts, limit=limit)
    assert len(rows) == size
    if size:
        assert rows[0] == ("zzwort", 26)


def test_default_limit_is_60() -> None:
    texts = [f"wort{i:03d}x" for i in range(100)]
    assert len(count_words(texts)) == 60


def test_accepts_any_iterable() -> None:
    assert count_words(t for t in ["Kaffee", "kaffee"]) == (("Kaffee", 2),)
