"""Which Q&A pages a page request is on (live.domain.qa_paging): the page's own URL says it, and
for htmx's requests from that page (an action's answer re-renders the list) the page's URL
that htmx sends along (HX-Current-URL)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request

from live.domain.qa_paging import Pages, parse_pages


def request_pages(request: Request, lists: Sequence[str]) -> Pages:
    if request.method == "GET":
        return parse_pages(request.query_params, lists)
    current = request.headers.get("hx-current-url", "")
    return parse_pages(dict(parse_qsl(urlsplit(current).query)), lists)
