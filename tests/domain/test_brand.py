"""Branding rules (live/domain/brand.py): colours, contrast, logo checks."""

from __future__ import annotations

import struct

import pytest

from live.domain import brand
from live.domain.brand import (
    DEFAULT_ACCENT,
    MAX_LOGO_BYTES,
    MAX_LOGO_SIDE,
    MIN_CONTRAST,
    accent_contrast,
    check_color,
    check_logo,
    check_png,
    contrast_ratio,
    logo_version,
    parse_color,
    relative_luminance,
    soft_tint,
)
from live.domain.errors import DomainError
from live.i18n import translate
from tests.support.images import PNG_SIGNATURE, chunk, png, svg


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#0b5394", "#0b5394"),
        ("#0B5394", "#0b5394"),
        ("  #0b5394 ", "#0b5394"),
        ("#05a", "#0055aa"),
        ("#ABC", "#aabbcc"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_color_accepts_hex(raw: object, expected: str | None) -> None:
    assert parse_color(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["0b5394", "#0b539", "#0b53944", "#ggg", "blue", "rgb(1,2,3)", "#0b5394;", 7, ["#000"]],
)
def test_parse_color_refuses_anything_else(raw: object) -> None:
    with pytest.raises(DomainError) as caught:
        parse_color(raw)
    assert caught.value.code == "invalid_color"
    assert "Hex-Wert" in caught.value.message


def test_relative_luminance_and_contrast_follow_wcag() -> None:
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    # The well-known thresholds: #767676 is the lightest grey with 4.5:1 on white.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5
    # The app's accent: L = 0.0840, (1.05) / (0.0840 + 0.05) = 7.84.
    assert contrast_ratio(DEFAULT_ACCENT, "#ffffff") == pytest.approx(7.84, abs=0.01)


def test_the_default_accent_passes_its_own_rule() -> None:
    assert check_color(DEFAULT_ACCENT) == DEFAULT_ACCENT
    assert accent_contrast(DEFAULT_ACCENT) >= MIN_CONTRAST


@pytest.mark.parametrize("color", ["#000000", "#1e6b34", "#a4161a", "#5a2d82", "#0B5394"])
def test_dark_colours_pass(color: str) -> None:
    assert check_color(color) == color.lower()


@pytest.mark.parametrize(
    ("color", "shown"),
    [
        ("#ffffff", "1,0"),
        ("#ffcc00", "1,3"),
        # 4.54:1 on white but only 4.1:1 on the page's grey (--wash): refused, with the lower.
        ("#767676", "4,1"),
        ("#1e90ff", "2,9"),
    ],
)
def test_light_colours_are_refused_with_the_ratio(color: str, shown: str) -> None:
    with pytest.raises(DomainError) as caught:
        check_color(color)
    error = caught.value
    assert error.code == "low_contrast"
    text = translate("de", error.message, dict(error.params))
    assert text == (
        f"Diese Farbe ist zu hell: Kontrast {shown} : 1, nötig sind mindestens 4,5 : 1."
    )
    # English writes its own decimal point.
    assert f"{shown.replace(',', '.')}:1" in translate("en", error.message, dict(error.params))


def test_the_shown_ratio_is_rounded_down() -> None:
    # Just below the limit must never read as "4,5" in the refusal.
    below = next(
        f"#{v:02x}{v:02x}{v:02x}"
        for v in range(0x60, 0x80)
        if 4.45 <= accent_contrast(f"#{v:02x}{v:02x}{v:02x}") < 4.5
    )
    with pytest.raises(DomainError) as caught:
        check_color(below)
    assert caught.value.params == {"whole": 4, "tenth": 4}


@pytest.mark.parametrize("color", ["#0b5394", "#000000", "#5e5e5e", "#a4161a", "#006e5a"])
def test_soft_tint_is_light_and_keeps_the_accent_readable(color: str) -> None:
    tint = soft_tint(color)
    assert tint.startswith("#") and len(tint) == 7
    assert contrast_ratio(color, tint) >= MIN_CONTRAST
    assert contrast_ratio("#1a1a1a", tint) >= MIN_CONTRAST  # --ink on it
    assert tint != "#ffffff"  # a real tint, not plain white


# --- logo --------------------------------------------------------------------------------


def test_a_png_is_kept_as_it_is() -> None:
    data = png(120, 40)
    logo = check_logo(data)
    assert logo.media_type == "image/png"
    assert logo.data == data
    assert logo.version == logo_version(data)
    assert check_png(data) == (120, 40)
    assert check_logo(data, "image/png").data == data


def test_an_svg_is_sanitised_and_versioned_by_its_clean_bytes() -> None:
    logo = check_logo(svg(), "image/svg+xml; charset=utf-8")
    assert logo.media_type == "image/svg+xml"
    assert logo.data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert logo.version == logo_version(logo.data)
    assert len(logo.version) == 16


def test_same_bytes_same_version_other_bytes_other_version() -> None:
    assert logo_version(png()) == logo_version(png())
    assert logo_version(png()) != logo_version(png(rgb=(0, 0, 0)))


def _code(data: bytes, declared: str | None = None) -> str:
    with pytest.raises(DomainError) as caught:
        check_logo(data, declared)
    return caught.value.code


def _png_with_header(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "declared", "code"),
    [
        (b"", None, "logo_empty"),
        (b"x" * (MAX_LOGO_BYTES + 1), None, "logo_too_large"),
        (b"\xff\xd8\xff\xe0 a JPEG", None, "logo_type"),
        (b"%PDF-1.7", None, "logo_type"),
        (b"GIF89a", None, "logo_type"),
        (png(), "image/svg+xml", "logo_type"),
        (svg(), "image/png", "logo_type"),
        (svg(), "image/gif", "logo_type"),
        (b"<html><body>hi</body></html>", None, "logo_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", None, "logo_invalid"),
        (PNG_SIGNATURE, None, "logo_invalid"),
        (png()[:-6], None, "logo_invalid"),  # cut off inside IEND
        (png()[:-12], None, "logo_invalid"),  # no IEND
        (png().replace(b"IHDR", b"IHDX"), None, "logo_invalid"),
        (PNG_SIGNATURE + chunk(b"IDAT", b"x") + chunk(b"IEND", b""), None, "logo_invalid"),
        (_png_with_header(0, 10), None, "logo_dimensions"),
        (_png_with_header(MAX_LOGO_SIDE + 1, 10), None, "logo_dimensions"),
        (_png_with_header(10, 100_000), None, "logo_dimensions"),
        (_png_with_header(10, 10, depth=3), None, "logo_invalid"),
        (_png_with_header(10, 10, colour=5), None, "logo_invalid"),
    ],
)
def test_logo_refusals(data: bytes, declared: str | None, code: str) -> None:
    assert _code(data, declared) == code


def test_a_png_with_a_wrong_checksum_is_refused() -> None:
    data = bytearray(png())
    data[20] ^= 0xFF  # a byte of the IHDR body: its CRC no longer matches
    assert _code(bytes(data)) == "logo_invalid"


def test_the_size_limit_message_names_the_limit() -> None:
    with pytest.raises(DomainError) as caught:
        check_logo(b"x" * (MAX_LOGO_BYTES + 1))
    text = translate("de", caught.value.message, dict(caught.value.params))
    assert text == "Die Logodatei ist zu groß: erlaubt sind höchstens 256 KB."


def test_the_biggest_allowed_png_passes() -> None:
    assert check_png(_png_with_header(MAX_LOGO_SIDE, MAX_LOGO_SIDE)) == (4096, 4096)
    assert brand.MEDIA_TYPES == ("image/png", "image/svg+xml")
