"""Sanitising SVG logos (live/domain/svg.py): hostile documents are neutralised or refused."""

from __future__ import annotations

import re
from xml.etree.ElementTree import fromstring

import pytest

from live.domain.errors import DomainError
from live.domain.svg import MAX_DEPTH, css_safe
from live.domain.svg import clean_svg as _clean_svg
from tests.support.images import svg


def wrong_type() -> DomainError:
    return DomainError("logo_type", "no svg")


def clean(data: bytes) -> str:
    return _clean_svg(data, wrong_type=wrong_type).decode()


def refused(data: bytes) -> str:
    with pytest.raises(DomainError) as caught:
        _clean_svg(data, wrong_type=wrong_type)
    return caught.value.code


# Whatever survives must never contain any of these (case-insensitive).
DANGEROUS = (
    "script",
    "javascript",
    "onload",
    "onclick",
    "onerror",
    "onbegin",
    "foreignobject",
    "http:",
    "https:",
    "//evil",
    "@import",
    "expression",
    "<set",
    "<animate",
    "<iframe",
    "<html",
    "data:text",
    "data:image/svg",
    "xml:base",
)

HOSTILE = {
    "script element": svg("<script>alert(1)</script><rect width='1' height='1'/>"),
    "script in a namespace prefix": svg(
        "<s:script xmlns:s='http://www.w3.org/2000/svg'>alert(1)</s:script>"
    ),
    "script in CDATA": svg("<script><![CDATA[alert(1)]]></script>"),
    "onload on the root": svg(extra=' onload="alert(1)"'),
    "event attributes": svg(
        '<rect width="1" height="1" onclick="alert(1)" onmouseover="alert(1)" ONERROR="alert(1)"/>'
    ),
    "javascript href on a link": svg(
        '<a href="javascript:alert(1)"><rect width="1" height="1"/></a>'
    ),
    "javascript xlink:href": svg('<a xlink:href="javascript:alert(1)"><text>click</text></a>'),
    "javascript with spaces and case": svg('<a href=" JaVaScRiPt:alert(1)"><text>x</text></a>'),
    "external use": svg('<use href="http://evil.example/sprite.svg#icon"/>'),
    "external use with xlink": svg('<use xlink:href="https://evil.example/s.svg#i"/>'),
    "protocol-relative use": svg('<use href="//evil.example/s.svg#i"/>'),
    "external image": svg('<image href="https://evil.example/track.png" width="1" height="1"/>'),
    "svg as data image": svg(
        '<image href="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0Pjwvc2NyaXB0Pjwvc3ZnPg=="/>'
    ),
    "html as data": svg('<image href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>'),
    "foreignObject with html": svg(
        "<foreignObject width='100' height='100'><html xmlns='http://www.w3.org/1999/xhtml'>"
        "<body><iframe src='http://evil.example'/><script>alert(1)</script></body></html>"
        "</foreignObject>"
    ),
    "set rewriting an href": svg(
        '<a href="#x"><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>'
    ),
    "animate rewriting xlink:href": svg(
        '<a xlink:href="#x"><animate attributeName="xlink:href" values="javascript:alert(1)"'
        ' begin="0s"/><text>x</text></a>'
    ),
    "onbegin on animation": svg('<animate onbegin="alert(1)" attributeName="x"/>'),
    "css url javascript in style attribute": svg(
        '<rect width="1" height="1" style="fill: url(javascript:alert(1))"/>'
    ),
    "css url external in style element": svg(
        "<style>rect { fill: url(https://evil.example/x.svg#p) }</style><rect/>"
    ),
    "css import": svg("<style>@import url(https://evil.example/x.css);</style>"),
    "css import without url": svg('<style>@import "https://evil.example/x.css";</style>'),
    "css import in a child of style": svg(
        "<style>rect { fill: red }<g>@import url(https://evil.example/x.css);</g></style>"
    ),
    "css escapes hiding url": svg("<style>rect { fill: u\\72 l(https://evil.example) }</style>"),
    "css expression": svg('<rect style="width: expression(alert(1))"/>'),
    "css image-set": svg(
        '<rect style="fill: image-set(&quot;https://evil.example/a.png&quot; 1x)"/>'
    ),
    "presentation attribute with external url": svg(
        '<rect width="1" height="1" fill="url(https://evil.example/p.svg#g)"/>'
    ),
    "filter with external url": svg('<rect filter="url(http://evil.example/f.svg#f)"/>'),
    "xml:base": svg('<g xml:base="http://evil.example/"><use href="#a"/></g>'),
    "iframe in the svg namespace": svg("<iframe src='http://evil.example'/>"),
    "feImage loading from elsewhere": svg(
        '<filter id="f"><feImage href="https://evil.example/x.png"/></filter>'
    ),
    "html inside a text": svg(
        "<text>hi<html:script xmlns:html='http://www.w3.org/1999/xhtml'>alert(1)</html:script>"
        "</text>"
    ),
    "processing instruction": b'<?xml-stylesheet href="https://evil.example/x.css"?>' + svg(),
    "comment with markup": svg("<!-- <script>alert(1)</script> -->"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_svgs_are_neutralised(name: str) -> None:
    out = clean(HOSTILE[name])
    assert out.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    lowered = out.lower().replace('xmlns="http://www.w3.org/2000/svg"', "")
    for word in DANGEROUS:
        assert word not in lowered, f"{name}: {word!r} survived in {out}"
    fromstring(out)  # still well-formed XML


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&d;</text></svg>"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"""

XXE_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""

UNPARSED = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!NOTATION png SYSTEM "image/png">
<!ENTITY logo SYSTEM "http://evil.example/x.png" NDATA png>]>
<svg xmlns="http://www.w3.org/2000/svg"/>"""


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (BOMB, "logo_unsafe"),
        (XXE_FILE, "logo_unsafe"),
        (XXE_HTTP, "logo_unsafe"),
        (UNPARSED, "logo_unsafe"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "logo_invalid"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>&undefined;</svg>", "logo_invalid"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'><body/></html>", "logo_type"),
        (b"<svg xmlns='http://example.com/not-svg'/>", "logo_type"),
        (b"not xml at all", "logo_type"),
        (b"\x00\x01\x02", "logo_type"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'>"
            + b"<g>" * (MAX_DEPTH + 2)
            + b"</g>" * (MAX_DEPTH + 2)
            + b"</svg>",
            "logo_invalid",
        ),
    ],
)
def test_unsafe_or_broken_svgs_are_refused(data: bytes, code: str) -> None:
    assert refused(data) == code


def test_a_doctype_without_entities_is_fine() -> None:
    # What Inkscape and older Illustrator versions write; nothing is fetched.
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"'
        b' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + svg()
    )
    assert '<rect width="40" height="20" fill="#0b5394"/>' in clean(data)


def test_a_real_logo_keeps_its_drawing() -> None:
    body = (
        "<title>Landkreistag</title>"
        '<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#0b5394"/>'
        '<stop offset="1" stop-color="#1e6b34" stop-opacity="0.8"/></linearGradient>'
        '<clipPath id="c"><circle cx="10" cy="10" r="9"/></clipPath></defs>'
        "<style>.t { font-weight: 700; fill: url(#g) }</style>"
        '<g transform="translate(1 1) rotate(5)" clip-path="url(#c)">'
        '<path d="M0 0 L10 10 Z" fill="url(#g)" stroke="#000" stroke-width="0.5"/>'
        '<use xlink:href="#c" x="2"/></g>'
        '<text class="t" x="12" y="14" font-family="Arial, sans-serif">LKT &amp; Co</text>'
        '<image width="2" height="2" href="data:image/png;base64,iVBORw0KGgo="/>'
    )
    out = clean(svg(body))
    for kept in (
        "<title>Landkreistag</title>",
        '<stop offset="1" stop-color="#1e6b34" stop-opacity="0.8"/>',
        "<style>.t { font-weight: 700; fill: url(#g) }</style>",
        'transform="translate(1 1) rotate(5)" clip-path="url(#c)"',
        '<path d="M0 0 L10 10 Z" fill="url(#g)" stroke="#000" stroke-width="0.5"/>',
        '<use x="2" href="#c"/>',  # xlink:href written as href
        "LKT &amp; Co</text>",
        'href="data:image/png;base64,iVBORw0KGgo="',
        'viewBox="0 0 40 20"',
    ):
        assert kept in out, kept


def test_links_and_switches_keep_their_drawing_as_groups() -> None:
    out = clean(
        svg(
            '<switch><foreignObject requiredExtensions="http://ns.adobe.com/AI"/>'
            '<g><rect width="1" height="1"/></g></switch>'
            '<a href="https://example.org"><circle r="1"/></a>'
        )
    )
    assert '<g><g><rect width="1" height="1"/></g></g><g><circle r="1"/></g>' in out


def test_editor_metadata_is_dropped() -> None:
    out = clean(
        svg(
            '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/'
            'sodipodi-0.dtd" pagecolor="#fff"/><rect inkscape:label="x" '
            'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="1"/>'
            "<metadata><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>"
            "</metadata>"
        )
    )
    assert re.sub(r"<svg[^>]*>", "", out) == '<rect width="1"/></svg>'


def test_a_root_without_namespace_is_read_as_svg() -> None:
    out = clean(b'<svg viewBox="0 0 1 1"><rect width="1" height="1"/></svg>')
    assert out == (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
        '<rect width="1" height="1"/></svg>'
    )


def test_a_style_element_is_written_as_its_text_alone() -> None:
    out = clean(svg("<style>rect { fill: red }<g>circle { fill: blue }</g></style>"))
    assert "<style>rect { fill: red }circle { fill: blue }</style>" in out


def test_text_after_a_dropped_element_stays() -> None:
    out = clean(svg("<text>Land<script>x</script>kreistag</text>"))
    assert "<text>Landkreistag</text>" in out


def test_values_are_escaped_when_written() -> None:
    out = clean(svg('<text id="a&quot;b">&lt;b&gt; &amp;</text>'))
    assert '<text id="a&quot;b">&lt;b&gt; &amp;</text>' in out
    fromstring(out)


@pytest.mark.parametrize(
    ("css", "safe"),
    [
        ("fill: #0b5394; stroke-width: 2", True),
        ("fill: url(#grad)", True),
        ("fill: url( '#grad' )", True),
        ("transform: translate(1px, 2px) rotate(3deg)", True),
        ("fill: rgb(1, 2, 3)", True),
        ("fill: url(grad.svg#a)", False),
        ("fill: url(data:image/png;base64,AAAA)", False),
        ("fill: URL(javascript:alert(1))", False),
        ("@import 'x.css'", False),
        ("@font-face { src: local(x) }", False),
        ("behavior: url(x.htc)", False),
        ("width: expression(alert(1))", False),
        ("fill: u\\72 l(x)", False),
        ("background: image-set('x.png' 1x)", False),
        ("</style><script>", False),
    ],
)
def test_css_safe(css: str, safe: bool) -> None:
    assert css_safe(css) is safe
