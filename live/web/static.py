"""GET /static/{path}: the static files (live/static_files.py), from memory.

- A hashed name (what every page links): kept by browsers for a year, never revalidated.
- The plain name (``/static/live.js``, for anything that links a file directly): a short cache,
  then a revalidation with the ETag (304 when unchanged).
- A hashed name with a hash this process does not know: a temporary redirect to the file's
  current name. It happens when two releases serve one event at once (a rolling restart across
  hosts: the page came from the new release, its script request reached the old one, or the
  other way round) or a page was cached across a deploy. A working but possibly older script
  is better there than a page without any; the redirect itself is never cached, so the next
  load asks again. Names that are no static file at all: 404.

Text files go out gzipped, compressed once at start-up, to every client that accepts gzip;
the app's GZip middleware passes an answer that already has a Content-Encoding through.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from live.static_files import StaticFile, manifest

IMMUTABLE = "public, max-age=31536000, immutable"
# Five minutes: a page that links a plain name sees a new release at most that late.
SHORT = "public, max-age=300"


def accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in {"gzip", "*"}:
            quality = params.strip().removeprefix("q=").strip()
            return quality not in {"0", "0.0", "0.00", "0.000"}
    return False


def file_response(request: Request, file: StaticFile, cache_control: str) -> Response:
    headers = {"cache-control": cache_control}
    body = file.body
    if file.gzipped is not None:
        headers["vary"] = "Accept-Encoding"  # one URL, two bodies: caches must tell them apart
        if accepts_gzip(request):
            body = file.gzipped
            headers["content-encoding"] = "gzip"
    return Response(body, headers=headers, media_type=file.media_type)


async def serve(request: Request) -> Response:
    path: str = request.path_params["path"]
    files = manifest()
    if (file := files.by_hashed.get(path)) is not None:
        return file_response(request, file, IMMUTABLE)
    if (file := files.by_name.get(path)) is not None:
        if file.etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers={"etag": weak(file), "cache-control": SHORT})
        response = file_response(request, file, SHORT)
        response.headers["etag"] = weak(file)
        return response
    if (file := files.current(path)) is not None:
        return RedirectResponse(file.url, status_code=302, headers={"cache-control": "no-store"})
    raise HTTPException(404)


def weak(file: StaticFile) -> str:
    """Weak: the gzipped and the plain body share it (RFC 9110 8.8.1)."""
    return "W/" + file.etag


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
