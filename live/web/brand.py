"""The event's brand as files: GET /e/{code}/logo and GET /e/{code}/brand.css (public, like the
participant page that shows them).

Both URLs are linked with ``?v=<version>`` (live/views/brand.py): a request with the current
version may be kept by browsers and proxies for a year; any other (an old link, none) is
answered with the current file and must be revalidated (ETag). An SVG logo is sanitised when
it is stored (live/domain/svg.py) and is served with a CSP that allows no script, no request
and sandboxes the document, so even a rule the sanitiser missed could not run if someone opens
the logo's URL itself.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain.brand import SVG
from live.views.brand import brand_css
from live.web.runtime import services

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _cached(request: Request, body: bytes, media_type: str, version: str) -> Response:
    """``body`` with its ETag and caching, or 304 when the browser has this version."""
    etag = f'"{version}"'
    headers = {
        "etag": etag,
        "cache-control": IMMUTABLE if request.query_params.get("v") == version else REVALIDATE,
    }
    if media_type == SVG:
        headers["content-security-policy"] = SVG_CSP
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


async def logo(request: Request) -> Response:
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    found = await svc.brand.logo(event)
    return _cached(request, found.data, found.media_type, found.version)


async def stylesheet(request: Request) -> Response:
    event = await services(request).events.event(request.path_params["code"])
    css, version = brand_css(event.brand_color)
    return _cached(request, css.encode(), "text/css", version)
