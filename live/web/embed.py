"""The participant page's side-panel view (``?embed=1``): the same page, compact, for a video
conference's side panel or a widget (BigBlueButton, Jitsi, OpenTalk, Matrix; docs/integrations.md).

The flag must survive everything a person does inside the panel, or the panel falls back to
the full page with its header. Links the page renders itself carry ``embed=1``; but the regions
the socket pushes are rendered once for every reader of a room (live/views/regions.py) and
cannot carry one reader's flag, and a form post's redirect back knows only the post. Both are
covered by the ``Referer``: every page sends it to its own origin (``<meta name="referrer"
content="same-origin">``, templates/base.html), so a request made from an embedded page says so.
Only presentation depends on it: nothing is allowed or refused by it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import URL
from starlette.requests import HTTPConnection

PARAM = "embed"


def is_embed(conn: HTTPConnection) -> bool:
    """``?embed=1`` on this request, or on the participant page it was made from."""
    return conn.query_params.get(PARAM) == "1" or panel_page(conn) is not None


def panel_page(conn: HTTPConnection) -> str | None:
    """The side panel's page (path and query) this request was made from, if it was."""
    referer = conn.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if (
        parts.netloc == conn.headers.get("host")
        and parts.path.startswith("/e/")
        and (PARAM, "1") in parse_qsl(parts.query)
    ):
        return f"{parts.path}?{parts.query}"
    return None


def keep_embed(conn: HTTPConnection, url: str) -> str:
    """``url`` (a path with its query) with ``embed=1`` when ``conn`` came from the embed view."""
    if not is_embed(conn):
        return url
    parsed = URL(url)
    if parsed.query and (PARAM, "1") in parse_qsl(parsed.query):
        return url
    return str(parsed.include_query_params(**{PARAM: "1"}))
