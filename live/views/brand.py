"""The brand as the browser gets it: the stylesheet with the event's colour, and the URLs of
that stylesheet and of the logo, each with a version so that browsers may keep them for good.

The pages' CSP allows no inline style, so the colour comes as a stylesheet of its own
(/e/{code}/brand.css) linked after the app's: it overrides live.css's custom properties.
"""

from __future__ import annotations

import hashlib
from functools import cache

from live.domain.brand import soft_tint
from live.domain.models import Event

EMPTY_CSS = "/* This event uses the app's own colours. */\n"


@cache
def brand_css(color: str | None) -> tuple[str, str]:
    """(stylesheet, version) for an event colour; the version is a hash of the stylesheet, so
    it changes with the colour and with any change to what is derived from it."""
    if color is None:
        css = EMPTY_CSS
    else:
        css = f":root {{\n  --accent: {color};\n  --accent-soft: {soft_tint(color)};\n}}\n"
    return css, hashlib.sha256(css.encode()).hexdigest()[:12]


def brand_css_url(event: Event) -> str:
    """The stylesheet's URL, "" when the event has no colour (then there is nothing to link)."""
    if event.brand_color is None:
        return ""
    return f"/e/{event.code}/brand.css?v={brand_css(event.brand_color)[1]}"


def logo_url(event: Event) -> str:
    """The logo's URL, "" when the event has none."""
    if event.logo_version is None:
        return ""
    return f"/e/{event.code}/logo?v={event.logo_version}"
