"""Sanitising an uploaded SVG logo: parse it safely, keep only what an allowlist names, write it
anew.

An SVG is a document that can run script (``<script>``, ``onload=``, ``javascript:`` links),
embed HTML (``<foreignObject>``), load from elsewhere (``<use href="http://…">``, ``<image>``,
CSS ``url()`` and ``@import``) and, as XML, expand entities into gigabytes. The logo is shown
through ``<img>`` (where browsers run no script) and served with a sandboxing CSP, but whoever
opens its URL directly gets the document itself, so what is stored must be harmless on its own.

How:
- Parsing with defusedxml: a DTD may be there (editors write one), but any entity declaration
  is refused (no billion laughs, no XXE); nothing is ever fetched.
- Rebuilding: only elements in the SVG namespace from ELEMENTS are kept (``<a>`` and
  ``<switch>`` become ``<g>``, keeping their drawing); everything else is dropped with its
  content: script, foreignObject, animation (``<set>``/``<animate>`` can rewrite an href),
  other namespaces (editor metadata). Only attributes from ATTRIBUTES are kept: no ``on*``,
  no attribute outside the list.
- References: ``href`` (and ``xlink:href``, written back as ``href``) only to a "#id" of the
  document itself, or on ``<image>`` an embedded PNG or JPEG (``data:image/png;base64,…``).
  CSS (``style`` attributes and elements, presentation attributes such as ``fill``) is kept
  only when it references nothing outside the document: ``url(#id)`` alone, no ``@import``
  (no at-rule at all), only harmless functions, no escapes.
- Writing: a new document from the kept tree, every value escaped; comments and processing
  instructions are gone (the parser drops them).

Pure: bytes in, bytes out, DomainError for what cannot be a logo.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from live.domain.errors import DomainError
from live.domain.text import _n

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

MAX_DEPTH = 64  # nesting of elements: a logo needs a handful; the writer recurses

# Drawing, structure, text, paint servers, clipping, masking, filters. No script, style is
# checked (below), no foreignObject, no animation, no feImage (it loads like <image>).
ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use", "style",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "pattern",
        "clipPath", "mask", "marker", "image",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
        "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
    }
)  # fmt: skip
# Kept as a plain group: their drawing matters, the element itself (a link, a feature test
# that Illustrator wraps around everything) does not.
AS_GROUP = frozenset({"a", "switch"})

# Geometry, presentation and text attributes; none of them can run or load anything except
# through url(), which css_safe checks in every value.
ATTRIBUTES = frozenset(
    {
        "id", "class", "style", "transform", "viewBox", "preserveAspectRatio", "version",
        "x", "y", "width", "height", "rx", "ry", "cx", "cy", "r", "fx", "fy", "fr",
        "x1", "y1", "x2", "y2", "d", "points", "pathLength", "dx", "dy", "rotate",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
        "stroke-opacity", "opacity", "color", "display", "visibility", "vector-effect",
        "shape-rendering", "paint-order", "clip-path", "clip-rule", "mask", "filter",
        "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight",
        "markerUnits", "refX", "refY", "orient",
        "font-family", "font-size", "font-weight", "font-style", "font-variant",
        "font-stretch", "text-anchor", "dominant-baseline", "alignment-baseline",
        "baseline-shift", "letter-spacing", "word-spacing", "text-decoration",
        "textLength", "lengthAdjust", "startOffset", "method", "spacing", "writing-mode",
        "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
        "spreadMethod", "patternUnits", "patternContentUnits", "patternTransform",
        "clipPathUnits", "maskUnits", "maskContentUnits", "mask-type",
        "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode",
        "operator", "k1", "k2", "k3", "k4", "values", "type", "tableValues", "slope",
        "intercept", "amplitude", "exponent", "flood-color", "flood-opacity",
        "lighting-color", "radius", "color-interpolation-filters", "edgeMode",
        "role", "aria-label", "aria-hidden", "focusable",
    }
)  # fmt: skip
_XML_ATTRIBUTES = {f"{{{XML_NS}}}space": "xml:space", f"{{{XML_NS}}}lang": "xml:lang"}
_HREFS = ("href", f"{{{XLINK_NS}}}href")

_LOCAL_REF = re.compile(r"#[A-Za-z_][\w.:-]*")
_EMBEDDED_IMAGE = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]+")
# CSS: url(#id) is the one reference allowed; other functions from a short list.
_LOCAL_URL = re.compile(r"""url\(\s*(['"]?)#[\w.:-]+\1\s*\)""", re.IGNORECASE)
_FUNCTION = re.compile(r"([A-Za-z_-]+)\s*\(")
_CSS_FUNCTIONS = frozenset(
    {
        "rgb", "rgba", "hsl", "hsla", "calc", "var", "min", "max", "clamp",
        "translate", "translatex", "translatey", "rotate", "scale", "scalex", "scaley",
        "matrix", "skewx", "skewy",
    }
)  # fmt: skip

# Escaped in attribute values besides & < > (always written in double quotes; whitespace
# characters as references, or a parser would normalise them to spaces).
_ATTR_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}

WrongType = Callable[[], DomainError]


def css_safe(text: str) -> bool:
    """Whether CSS text (or an attribute value) references nothing outside the document: no
    url() but url(#id), no @import or any other at-rule, no escapes that could hide either,
    no function outside a short harmless list, no markup."""
    if "\\" in text or "<" in text or "@" in text:
        return False
    lowered = text.lower()
    if "javascript:" in lowered or "expression" in lowered:
        return False
    rest = _LOCAL_URL.sub("", text)
    return all(m.group(1).lower() in _CSS_FUNCTIONS for m in _FUNCTION.finditer(rest))


def _href_ok(tag: str, value: str) -> bool:
    value = value.strip()
    if _LOCAL_REF.fullmatch(value):
        return True
    return tag == "image" and _EMBEDDED_IMAGE.fullmatch(value) is not None


def _invalid_svg() -> DomainError:
    return DomainError(
        "logo_invalid", _n("Die SVG-Datei lässt sich nicht lesen (kein gültiges XML).")
    )


def clean_svg(data: bytes, *, wrong_type: WrongType) -> bytes:
    """The sanitised SVG as UTF-8. ``wrong_type()`` is raised when the data is no SVG at all
    (not XML, or another root element); DomainError for entity declarations (refused, not
    expanded) and for nesting deeper than MAX_DEPTH."""
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DomainError(
            "logo_unsafe",
            _n(
                "Die SVG-Datei enthält Entity-Deklarationen oder externe Verweise "
                "und wird deshalb nicht angenommen."
            ),
        ) from None
    except (ParseError, ValueError):
        # Not XML at all (a JPEG, a PDF …) reads as the wrong kind of file; XML with a
        # mistake in it as an unreadable SVG.
        raise (_invalid_svg() if data.lstrip()[:1] == b"<" else wrong_type()) from None
    namespace, local = _split(root.tag)
    if local != "svg" or namespace not in (SVG_NS, ""):
        raise wrong_type()
    out: list[str] = []
    _write(root, namespace, out, depth=0, root=True)
    return "".join(out).encode("utf-8")


def _split(tag: object) -> tuple[str | None, str]:
    """(namespace, local name) of an element tag; (None, "") for comments and PIs."""
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _attributes(tag: str, element: Element) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    href: str | None = None
    for name, value in element.attrib.items():
        if name in _HREFS:
            if _href_ok(tag, value):
                href = value.strip()
            continue
        if name in _XML_ATTRIBUTES:
            out_name = _XML_ATTRIBUTES[name]
        elif name in ATTRIBUTES:
            out_name = name
        else:
            continue  # on*, other namespaces (editors'), anything not on the list
        if css_safe(value):
            kept.append((out_name, value))
    if href is not None:
        kept.append(("href", href))
    return kept


def _write(element: Element, namespace: str, out: list[str], *, depth: int, root: bool) -> None:
    if depth > MAX_DEPTH:
        raise DomainError(
            "logo_invalid",
            _n("Die SVG-Datei ist zu tief verschachtelt (höchstens %(n)d)."),
            n=MAX_DEPTH,
        )
    ns, tag = _split(element.tag)
    if ns == namespace and tag in AS_GROUP:
        tag = "g"
    if ns == namespace and tag == "style":
        _write_style(element, out)
    elif ns == namespace and tag in ELEMENTS:
        attributes = _attributes(tag, element)
        # An image without an allowed source would show nothing anyway.
        if tag != "image" or any(name == "href" for name, _ in attributes):
            _write_element(tag, attributes, element, namespace, out, depth=depth, root=root)
    # The text after an element belongs to its parent (e.g. inside <text>): kept even when
    # the element itself was dropped.
    if element.tail and not root:
        out.append(escape(element.tail))


def _head(attributes: list[tuple[str, str]]) -> str:
    return "".join(f' {name}="{escape(value, _ATTR_ENTITIES)}"' for name, value in attributes)


def _write_element(
    tag: str,
    attributes: list[tuple[str, str]],
    element: Element,
    namespace: str,
    out: list[str],
    *,
    depth: int,
    root: bool,
) -> None:
    head = (f' xmlns="{SVG_NS}"' if root else "") + _head(attributes)
    if not element.text and len(element) == 0:
        out.append(f"<{tag}{head}/>")
        return
    out.append(f"<{tag}{head}>")
    if element.text:
        out.append(escape(element.text))
    for child in element:
        _write(child, namespace, out, depth=depth + 1, root=False)
    out.append(f"</{tag}>")


def _write_style(element: Element, out: list[str]) -> None:
    """A stylesheet is the element's whole text content, text inside child elements too
    (``<style>a{}<g>@import …</g></style>``): checked whole, written as text alone, or
    dropped."""
    css = "".join(element.itertext())
    if css_safe(css):
        out.append(f"<style{_head(_attributes('style', element))}>{escape(css)}</style>")
