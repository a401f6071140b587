"""Light on the venue's Wi-Fi: answers gzipped, static files under hashed names that browsers
keep for good, and each page loading only the scripts it uses (issue 18, point 7). The bytes of
a phone's first load are counted in tests/browser/test_wire.py."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from live.assets import STATIC_DIR, TEMPLATE_DIR
from live.static_files import asset, hashed_name, manifest, slim
from live.web.static import IMMUTABLE, SHORT
from tests.support.images import PNG_SIGNATURE, chunk, png
from tests.web.conftest import EventFixture, create_poll
from tests.web.test_brand import save_brand
from tests.web.test_pages import login

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
STATIC_LINK = re.compile(r'(?:href|src|data-script)="(/static/[^"]+)"')


def served(name: str) -> bytes:
    return slim(name, (STATIC_DIR / name).read_bytes())


def static_links(page: str) -> list[str]:
    return STATIC_LINK.findall(page)


def wire_size(client: TestClient, url: str, headers: dict[str, str]) -> tuple[int, str]:
    """(bytes of the body as sent, its Content-Encoding): httpx decodes, so read it raw."""
    with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200, url
        raw = b"".join(response.iter_raw())
    return len(raw), response.headers.get("content-encoding", "")


# --- compression -----------------------------------------------------------------------------


def test_pages_scripts_and_stylesheets_go_out_gzipped(
    client: TestClient, event: EventFixture
) -> None:
    create_poll(client, event)
    page = client.get(f"/e/{event.code}?room={event.room}", headers=GZIP)
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in page.headers["vary"].lower()
    html_size, _ = wire_size(client, f"/e/{event.code}?room={event.room}", GZIP)
    assert html_size < len(page.content) / 3  # decoded by httpx: the page itself is intact
    assert "Wie gefällt Ihnen die Tagung?" in page.text

    for name in ("live.css", "live.js", "vendor/htmx-2.0.11.min.js"):
        source = served(name)
        response = client.get(asset(name), headers=GZIP)
        assert response.headers["content-encoding"] == "gzip", name
        assert response.content == source, name  # the same file, unpacked
        size, _ = wire_size(client, asset(name), GZIP)
        assert size == len(gzip.compress(source, compresslevel=9, mtime=0)) < len(source) / 2
        # Without gzip in Accept-Encoding: the file as it is.
        assert wire_size(client, asset(name), PLAIN) == (len(source), ""), name
        assert client.get(asset(name), headers=PLAIN).content == source


def test_json_and_svg_are_gzipped_png_is_not(client: TestClient, event: EventFixture) -> None:
    create_poll(client, event)
    api = client.get(f"/api/v1/events/{event.code}/export.json", headers=GZIP | event.auth)
    assert api.status_code == 200 and len(api.content) > 500
    assert api.headers["content-encoding"] == "gzip"
    assert "Wie gefällt Ihnen die Tagung?" in api.text

    login(client, event)
    logo = svg_logo()
    assert save_brand(client, event, logo=logo).status_code == 303
    response = client.get(f"/e/{event.code}/logo", headers=GZIP)
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["content-encoding"] == "gzip"

    # A PNG is compressed already: sent as it is, even when most of it would pack well.
    picture = noisy_png()
    response = save_brand(
        client, event, logo=picture, filename="logo.png", content_type="image/png"
    )
    assert response.status_code == 303, response.text
    response = client.get(f"/e/{event.code}/logo", headers=GZIP)
    assert response.headers["content-type"] == "image/png"
    assert "content-encoding" not in response.headers
    assert response.content == picture


def svg_logo() -> bytes:
    rects = "".join(f'<rect x="{i}" width="1" height="20" fill="#0b5394"/>' for i in range(40))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">'
        f"{rects}</svg>"
    ).encode()


def noisy_png() -> bytes:
    """A valid PNG over 500 bytes, most of it a text chunk that gzip would shrink a lot."""
    plain = png(8, 8)
    head, rest = plain[: len(PNG_SIGNATURE) + 25], plain[len(PNG_SIGNATURE) + 25 :]
    return head + chunk(b"tEXt", b"Comment\x00" + b"logo " * 400) + rest


# --- hashed names and caching ------------------------------------------------------------------


def test_pages_link_hashed_static_files_kept_for_a_year(
    client: TestClient, event: EventFixture
) -> None:
    create_poll(client, event)
    page = client.get(f"/e/{event.code}?room={event.room}").text
    links = static_links(page)
    assert asset("live.css") in links and asset("applause.js") in links
    for url in links:
        name = url.removeprefix("/static/")
        source_name = manifest().by_hashed[name].name  # a hashed name, every one of them
        source = served(source_name)
        assert name == hashed_name(source_name, hashlib.sha256(source).hexdigest()[:8])
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE
        assert "etag" not in response.headers  # never revalidated: nothing to compare
        assert response.content == source
    # The hash is of the bytes: two different files, two different names.
    assert asset("live.css") != asset("screen.css")
    assert re.fullmatch(
        r"/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{8}\.js", asset("vendor/htmx-2.0.11.min.js")
    )


def test_the_plain_name_is_served_briefly_cached_and_revalidated(client: TestClient) -> None:
    source = served("live.js")
    response = client.get("/static/live.js")
    assert response.status_code == 200
    assert response.content == source
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == SHORT
    etag = response.headers["etag"]
    again = client.get("/static/live.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    changed = client.get("/static/live.js", headers={"If-None-Match": 'W/"0000"'})
    assert changed.status_code == 200 and changed.content == source


def test_an_unknown_hash_redirects_to_the_current_file_and_other_names_are_404(
    client: TestClient,
) -> None:
    response = client.get("/static/live.0123abcd.js", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == asset("live.js")
    assert response.headers["cache-control"] == "no-store"
    response = client.get("/static/vendor/htmx-2.0.11.min.0123abcd.js", follow_redirects=False)
    assert response.headers["location"] == asset("vendor/htmx-2.0.11.min.js")
    for missing in ("nope.0123abcd.js", "nope.js", "live.js/x", "../pyproject.toml", "vendor"):
        assert client.get(f"/static/{missing}", follow_redirects=False).status_code == 404
    with pytest.raises(LookupError):
        asset("nope.js")


def test_our_scripts_and_stylesheets_go_out_without_comments_on_the_same_lines() -> None:
    for name in ("live.css", "applause.css", "live.js", "applause.js"):
        source = (STATIC_DIR / name).read_text()
        sent = manifest().by_name[name].body.decode()
        assert len(sent) < len(source) * 0.95, name
        assert sent.count("\n") == source.count("\n"), name  # console line numbers still fit
        kept = [line for line in source.split("\n") if line.strip() and line in sent]
        assert len(kept) > 50, name
    css = manifest().by_name["live.css"].body.decode()
    assert "/*" not in css and ".skip-link" in css
    js = manifest().by_name["applause.js"].body.decode().split("\n")
    assert not [line for line in js if line.lstrip().startswith("//")]
    assert "function createEngine(options) {" in "\n".join(js)
    # A string that looks like a comment is not one.
    assert slim("a.css", b'a::after { content: "/* x */"; } /* y\n */') == (
        b'a::after { content: "/* x */"; } \n'
    )
    # Vendored files are sent as they are, licence header and all.
    for name in ("vendor/htmx-2.0.11.min.js", "vendor/htmx-ext-ws-2.0.4.js"):
        assert manifest().by_name[name].body == (STATIC_DIR / name).read_bytes()


def test_scripts_and_stylesheets_carry_no_document_headers(client: TestClient) -> None:
    for name in ("live.css", "live.js"):
        response = client.get(asset(name))
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "content-security-policy" not in response.headers
        assert "x-frame-options" not in response.headers
    # Everything else keeps them, a static file that could be opened as a document too.
    response = client.get("/static/vendor/README.md")
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_every_template_links_static_files_through_asset() -> None:
    """A literal /static/ link would work (the plain name is served) but be fetched again and
    again: every <link> and <script> goes through asset()."""
    literal = re.compile(r'(?:href|src)="/static/')
    offenders = [
        str(path.relative_to(TEMPLATE_DIR))
        for path in sorted(Path(TEMPLATE_DIR).rglob("*.html"))
        if literal.search(path.read_text())
    ]
    assert offenders == []


# --- each page loads what it uses ------------------------------------------------------------


def scripts_of(page: str) -> set[str]:
    return {
        manifest().by_hashed[url.removeprefix("/static/")].name
        for url in re.findall(r'<script src="(/static/[^"]+)"', page)
    }


def later_scripts_of(page: str) -> set[str]:
    """Scripts a page loads when a part of it is first shown (static/tabs.js, data-script)."""
    return {
        manifest().by_hashed[url.removeprefix("/static/")].name
        for url in re.findall(r'data-script="(/static/[^"]+)"', page)
    }


def test_each_page_loads_the_scripts_it_uses_and_no_more(
    client: TestClient, event: EventFixture
) -> None:
    create_poll(client, event)
    public = {
        "participant": f"/e/{event.code}?room={event.room}",
        "rooms": f"/e/{event.code}",
        "screen": f"/e/{event.code}/screen?room={event.room}",
        "overlay": f"/e/{event.code}/overlay?room={event.room}",
        "landing": "/",
        "error": "/e/ZZZZZZ",
    }
    pages = {name: client.get(url).text for name, url in public.items()}
    login(client, event)
    for name, url in {
        "moderate": f"/e/{event.code}/moderate",
        "control": f"/e/{event.code}/control",
        "setup": f"/e/{event.code}/setup",
        "report": f"/e/{event.code}/report",
    }.items():
        pages[name] = client.get(url).text

    htmx, socket = "vendor/htmx-2.0.11.min.js", "vendor/htmx-ext-ws-2.0.4.js"
    for name, page in pages.items():
        scripts = scripts_of(page)
        if "hx-" in page:
            assert htmx in scripts and "live.js" in scripts, name
        assert ("ws-connect" in page) == (socket in scripts), name
        # The applause engine where applause is sent or can be heard (the console: its sound
        # check), at once or when its tab is first shown.
        sound = re.search(r"data-applause-(?:input|listen|autostart|silent)|data-sound-check", page)
        assert (sound is not None) == ("applause.js" in scripts | later_scripts_of(page)), name
        assert ("control.js" in scripts) == (name in {"moderate", "control"}), name
    # The phone: nothing of the moderation's, the projector's or the setup's scripts; the
    # applause engine only with its tab.
    assert scripts_of(pages["participant"]) >= {htmx, socket, "live.js", "tabs.js"}
    assert later_scripts_of(pages["participant"]) == {"applause.js"}
    for other in ("control.js", "screen.js", "overlay.js", "overlay_builder.js", "brand.js"):
        assert other not in scripts_of(pages["participant"]), other
    # Pages without live regions: no script at all.
    for name in ("landing", "error", "report"):
        assert scripts_of(pages[name]) == set(), name
    assert "sound_check.js" in scripts_of(pages["moderate"])  # it plays only its sound check
