import pytest

from live.domain.codes import ALPHABET, CODE_LENGTH, format_code, normalize_code


def test_alphabet_has_no_look_alikes() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 30
    for ambiguous in "0O1IL U":
        assert ambiguous not in ALPHABET
    assert CODE_LENGTH == 6


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("K7M3QX", "K7M3QX"),
        ("k7m3qx", "K7M3QX"),
        ("K7M 3QX", "K7M3QX"),
        ("  k7m-3qx ", "K7M3QX"),
        ("K-7-M-3-Q-X", "K7M3QX"),
        ("K7M\u00a03QX", "K7M3QX"),  # NBSP from copied text
        ("K7M\u20133QX", "K7M3QX"),  # en dash
        ("K7M\t3QX\n", "K7M3QX"),
        ("ABCDEF", "ABCDEF"),
        ("234567", "234567"),
        ("Z9Y8X7", "Z9Y8X7"),
    ],
)
def test_normalize_accepts(raw: str, expected: str) -> None:
    assert normalize_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "K7M3Q",  # too short
        "K7M3QXA",  # too long
        "K7M3Q0",  # zero
        "K7M3QO",  # letter O: not mapped to anything
        "K7M3Q1",
        "K7M3QI",
        "K7M3QL",
        "K7M3QU",
        "K7M3Q!",
        "K7M_3Q",
        "K7M3Qß",  # "ß".upper() == "SS" must not sneak in a valid-looking code
        "K7M3ﬀ",  # ligature ff upper-cases to "FF"
        "K7M3Qſ",  # long s upper-cases to a plain "S": must still be rejected
        "Ｋ7M3QX",  # fullwidth K
        "K7M3QX\x00",
        "K7M3Q\u200d",
        "K" * 10_000,
    ],
)
def test_normalize_rejects(raw: str) -> None:
    assert normalize_code(raw) is None


@pytest.mark.parametrize("raw", [None, 123456, b"K7M3QX", ["K7M3QX"]])
def test_normalize_rejects_non_strings(raw: object) -> None:
    assert normalize_code(raw) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("K7M3QX", "K7M 3QX"),
        ("ABCDEF", "ABC DEF"),
        ("", ""),
        ("ABC", "ABC"),
        ("ABCDEFG", "ABCDEFG"),
    ],
)
def test_format_code(code: str, expected: str) -> None:
    assert format_code(code) == expected


def test_format_then_normalize_round_trips() -> None:
    for code in ["K7M3QX", "ABCDEF", "Z9Y8X7"]:
        assert normalize_code(format_code(code)) == code
