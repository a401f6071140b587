"""QR codes as inline SVG (segno): no image request, no third party, crisp on a projector."""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup, escape


@lru_cache(maxsize=256)
def qr_svg(url: str, label: str = "QR-Code") -> Markup:
    qr = segno.make(url, error="m", micro=False)
    # omitsize: a viewBox instead of fixed pixels, so CSS sizes it for phone or projector.
    svg: str = qr.svg_inline(
        scale=1, dark="#000", light="#fff", omitsize=True, svgclass="qr", lineclass=None
    )
    # Announced as one image with a text alternative; the link itself is printed beside it.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}: {escape(url)}" ', 1)
    return Markup(svg)
