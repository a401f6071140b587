"""The stream overlay's URL settings (live/views/overlay.py), table-driven."""

from __future__ import annotations

import pytest

from live.views.overlay import PARTS, POSITIONS, OverlayConfig, parse_overlay

CASES: list[tuple[str, list[str], str | None, str | None, OverlayConfig]] = [
    (
        "nothing given: the defaults",
        [],
        None,
        None,
        OverlayConfig(("applause",), True, "bottom-left"),
    ),
    ("empty values", [""], "", "", OverlayConfig(("applause",), True, "bottom-left")),
    ("one part", ["results"], None, None, OverlayConfig(("results",))),
    (
        "comma-separated, put in stacking order",
        ["lower-third,applause,question"],
        None,
        None,
        OverlayConfig(("question", "applause", "lower-third")),
    ),
    (
        "repeated parameters (a form) and commas mixed",
        ["applause", "results,question"],
        None,
        None,
        OverlayConfig(("question", "results", "applause")),
    ),
    ("repeats count once", ["results,results", "results"], None, None, OverlayConfig(("results",))),
    (
        "case and spaces do not matter",
        [" Results , QUESTION "],
        " OFF ",
        " Top-Right ",
        OverlayConfig(("question", "results"), False, "top-right"),
    ),
    ("unknown parts are dropped", ["results,poll,<b>"], None, None, OverlayConfig(("results",))),
    ("only unknown parts: the default", ["mood,slides"], None, None, OverlayConfig()),
    ("only separators: the default", [",,,"], None, None, OverlayConfig()),
    ("sound off", [], "off", None, OverlayConfig(sound=False)),
    ("sound 0", [], "0", None, OverlayConfig(sound=False)),
    ("sound false", [], "false", None, OverlayConfig(sound=False)),
    ("sound on", [], "on", None, OverlayConfig(sound=True)),
    ("unknown sound value: on (the default)", [], "loud", None, OverlayConfig(sound=True)),
    ("every position", [], None, "bottom", OverlayConfig(position="bottom")),
    ("bottom-right", [], None, "bottom-right", OverlayConfig(position="bottom-right")),
    ("top-left", [], None, "top-left", OverlayConfig(position="top-left")),
    ("unknown position: the default", [], None, "middle", OverlayConfig(position="bottom-left")),
    ("position with junk", [], None, "top-left;x", OverlayConfig(position="bottom-left")),
    (
        "everything at once",
        ["applause,results,question,lower-third"],
        "off",
        "bottom",
        OverlayConfig(("question", "results", "applause", "lower-third"), False, "bottom"),
    ),
]


@pytest.mark.parametrize(
    ("parts", "sound", "position", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_parse_overlay(
    parts: list[str], sound: str | None, position: str | None, expected: OverlayConfig
) -> None:
    assert parse_overlay(parts, sound, position) == expected


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("sound", [True, False])
@pytest.mark.parametrize("parts", [("applause",), ("results", "question"), PARTS, ("lower-third",)])
def test_query_parses_back_to_the_same_configuration(
    parts: tuple[str, ...], sound: bool, position: str
) -> None:
    config = parse_overlay(parts, "on" if sound else "off", position)
    query = dict(pair.split("=") for pair in config.query().split("&"))
    assert parse_overlay([query["parts"]], query["sound"], query["position"]) == config


def test_query_is_readable() -> None:
    config = OverlayConfig(("results", "applause"), False, "top-right")
    assert config.query() == "parts=results,applause&sound=off&position=top-right"
    assert config.shows("results") and not config.shows("question")
