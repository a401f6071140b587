import pytest

from live.domain.blocklist import (
    MAX_ENTRY_LEN,
    Blocklist,
    check_entry,
    compiled,
    default_entries,
    fold,
)
from live.domain.errors import DomainError

DEFAULT = compiled(True, (), ())


def own(*entries: str) -> Blocklist:
    return compiled(False, entries, ())


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        # A plain entry: the word and its inflected forms.
        ("Du Idiot!", ("Idiot",)),
        ("Diese Idioten", ("Idioten",)),
        ("Schlampen", ("Schlampen",)),
        ("Spasten", ("Spasten",)),
        ("Hartzerin", ("Hartzerin",)),
        # *entry*: derivations and compounds.
        ("idiotisch", ("idiotisch",)),
        ("Vollidioten überall", ("Vollidioten",)),
        # *entry: compounds with the entry last, inflected.
        ("Volltrotteln", ("Volltrotteln",)),
        ("Sozialschmarotzer", ("Sozialschmarotzer",)),
        # entry*: compounds with the entry first; umlaut plural through ä/ö/ü = ae/oe/ue.
        ("Arschlöcher", ("Arschlöcher",)),
        ("Arschloecher", ("Arschloecher",)),
        ("ARSCHLOCH", ("ARSCHLOCH",)),
        # ß/ss, capital ẞ, repeated letters, look-alikes.
        ("Scheiße", ("Scheiße",)),
        ("SCHEISSE", ("SCHEISSE",)),
        ("SCHEIẞE", ("SCHEIẞE",)),
        ("scheiiiße", ("scheiiiße",)),
        ("1d10t", ("1d10t",)),
        ("@rsch", ("@rsch",)),
        # Hyphenated compounds: part by part.
        ("Voll-Idiot", ("Voll-Idiot",)),
        # Umlaut entry, decomposed umlaut in the text (a + combining diaeresis).
        ("Kru\u0308ppel", ("Krüppel",)),
        ("Hurensöhne", ("Hurensöhne",)),
        # Every matching word once, in order.
        ("Idiot, Idiot und Depp", ("Idiot", "Depp")),
    ],
)
def test_default_list_matches(text: str, matched: tuple[str, ...]) -> None:
    assert DEFAULT.matches(text) == matched
    assert DEFAULT.blocks(text)


# Everyday words (many from job-centre conferences) that share letters with entries: the
# Scunthorpe problem. None may match.
COMMON = """
    Marsch Einmarsch Barsch Marschland sauer sauber Sauerstoff Sauna Passau Dessau Mongolei
    Assistenz Assistent Assisi schlampig Transport Transparenz Transformation versagen
    Versagensangst Spastik Spaß Spass Niger Nigeria Dreck dreckig Schlüssel Schlussel Schluss
    Bürokratie Kanal Kanada Mister Mistel Penne pennen Fortbildung Eingliederung
    Bedarfsgemeinschaft Schwerbehinderung behindert Schweinehund Shitstorm Hartz Arbeitsmarkt
    Jobcenter Fallmanagement Digitalisierung Wertschätzung Honig Tunnel Kotelett Pfiff
    Hurrikan Zigarette Transfer Depot Bastelei Polarkreis Kacheln Kakerlake Fotografie
    Nuttella Hochschule Spaziergang Straße Müller Öffentlichkeit Übergang Gruß
"""


@pytest.mark.parametrize("word", COMMON.split())
def test_no_false_positives_on_common_words(word: str) -> None:
    assert DEFAULT.matches(word) == ()
    assert not DEFAULT.blocks(f"Mehr {word} bitte")


def test_short_plain_entries_match_the_word_only() -> None:
    # "Sau" with endings would take "sauer" and "sauen".
    blocklist = own("Sau")
    assert blocklist.blocks("Du Sau")
    assert not blocklist.blocks("Ich bin sauer")
    assert not blocklist.blocks("Sauna")


def test_wildcards_of_own_entries() -> None:
    assert own("Bürokratie*").matches("Bürokratiemonster und Buerokratieabbau") == (
        "Bürokratiemonster",
        "Buerokratieabbau",
    )
    assert own("*monster").matches("Bürokratiemonster, Monstern, Monstera") == (
        "Bürokratiemonster",
        "Monstern",
    )
    assert own("*kratie*").blocks("Demokratien")
    assert not own("Monster").blocks("Bürokratiemonster")


def test_an_empty_list_blocks_nothing() -> None:
    empty = compiled(False, (), ())
    assert not empty
    assert not empty.blocks("Idiot")
    assert empty.matches("Idiot") == ()


def test_switched_off_default_entries_and_added_ones() -> None:
    blocklist = compiled(True, ("Bürokratiemonster",), ("Hartzer",))
    assert not blocklist.blocks("Hartzer")
    assert blocklist.blocks("Idiot")
    assert blocklist.blocks("Bürokratiemonstern")


def test_compiled_lists_are_cached_by_content() -> None:
    assert compiled(True, ("Wort",), ()) is compiled(True, ("Wort",), ())
    assert compiled(True, ("Wort",), ()) is not compiled(True, ("Worte",), ())


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Idiot", "idiot"),
        ("  Straße ", "strasse"),
        ("*Krüppel*", "*krueppel*"),
        ("arsch*", "arsch*"),
    ],
)
def test_check_entry(raw: str, key: str) -> None:
    assert check_entry(raw).key == key
    assert check_entry(raw).shown == raw.strip()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty_entry"),
        ("   ", "empty_entry"),
        (None, "empty_entry"),
        (42, "empty_entry"),
        ("x" * (MAX_ENTRY_LEN + 1), "entry_too_long"),
        ("zwei Wörter", "invalid_entry"),
        ("a", "invalid_entry"),
        ("**", "invalid_entry"),
        ("Id*ot", "invalid_entry"),
        ("1d10t", "invalid_entry"),
        ("Voll-Idiot", "invalid_entry"),
    ],
)
def test_bad_entries(raw: object, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        check_entry(raw)
    assert caught.value.code == code


def test_fold() -> None:
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("Ärger") == fold("Aerger") == "aerger"
    assert fold("ＩＤＩＯＴ") == "idiot"  # full-width letters (NFKC)
    assert fold("2024") == "2024"  # no letters: digits stay digits


def test_default_list_is_short_and_valid() -> None:
    entries = default_entries()
    assert 40 <= len(entries) <= 150
    assert len({e.key for e in entries}) == len(entries)


@pytest.mark.parametrize(
    "text",
    [
        "Voll-Idiot",
        "Kaffee-Ersatz",
        "Kaf-fee",
        "Idi-ot",
        "2024 war gut",
        "S c h e i ß e",
        "Idiooot!",
        "Dreckspatz",
        *COMMON.split(),
    ],
)
def test_the_quick_check_never_disagrees_with_the_words(text: str) -> None:
    for blocklist in (DEFAULT, own("Kaffee"), own("Vollidiot"), own("Idiot*"), own("*fee")):
        fresh = Blocklist(blocklist.keys)  # no remembered answers
        assert fresh.blocks(text) == bool(fresh.matches(text))
