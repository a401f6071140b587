"""Reading what clients send: the pages' form posts (Origin-checked against CSRF) and the API's
JSON bodies, both size-capped before anything is parsed. Bad input becomes a DomainError (the
web layer answers it with a German page or the API's JSON error shape), never a 500."""

from __future__ import annotations

from urllib.parse import parse_qsl

import orjson
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from live.domain.errors import DomainError
from live.domain.text import _n
from live.errors import Forbidden
from live.web.runtime import runtime
from live.web.security import origin_allowed

MAX_BODY_BYTES = 64 * 1024
MAX_FORM_BYTES = 64 * 1024


class FieldErrors(dict[str, str]):
    """Error text per form field; a field without an error reads as empty in templates."""

    def __missing__(self, key: str) -> str:
        return ""


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refused with 413 as soon as it grows past ``limit``.

    Content-Length alone is not enough: a chunked upload has none and would otherwise be
    buffered whole before any size check. A client that goes away mid-body raises Starlette's
    ClientDisconnect, which live/web/errors.py answers quietly (client_gone_handler).
    """
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large()
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette serves request.body() / request.form() from this cache
    return body


def too_large() -> DomainError:
    return DomainError("too_large", _n("Die Anfrage ist zu groß."))


def parse_json(body: bytes) -> dict[str, object]:
    """The API's JSON body: an object, else a 400 with the JSON error shape."""
    if len(body) > MAX_BODY_BYTES:
        raise too_large()
    if not body.strip():
        return {}
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise DomainError("invalid_json", _n("Der Inhalt ist kein gültiges JSON.")) from None
    if not isinstance(value, dict):
        raise DomainError("invalid_body", _n("Erwartet wird ein JSON-Objekt."))
    return value


def check_origin(request: Request) -> None:
    """Form posts from our own pages only (the Origin check against CSRF)."""
    if not origin_allowed(request, runtime(request).settings):
        raise Forbidden("forbidden_origin", _n("Diese Anfrage kommt nicht von dieser Seite."))


MAX_FORM_FIELDS = 50


async def read_form(request: Request) -> FormData:
    """A form post from our own pages, and a small one."""
    check_origin(request)
    body = await read_body(request, MAX_FORM_BYTES)  # size-capped, also for chunked uploads
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        # What every page form sends. The standard library's parser is several times faster
        # than the streaming one behind request.form(): it was 7 % of the server's time in a
        # burst of page votes (docs/benchmarks.md).
        try:
            pairs: list[tuple[str, str | UploadFile]] = list(
                parse_qsl(
                    body.decode("utf-8", "replace"),
                    keep_blank_values=True,
                    max_num_fields=MAX_FORM_FIELDS,
                    errors="replace",
                )
            )
        except ValueError:
            raise HTTPException(400, "Too many fields.") from None
        return FormData(pairs)
    return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)


async def read_upload(
    request: Request, limit: int, name: str = "file"
) -> tuple[FormData, bytes | None]:
    """A form with one file (origin-checked, size-capped): the form and the file's bytes (None
    when no file was chosen)."""
    check_origin(request)
    await read_body(request, limit)
    form = await request.form(max_files=1, max_fields=10, max_part_size=limit)
    upload = form.get(name)
    if isinstance(upload, UploadFile) and upload.filename:
        return form, await upload.read()
    return form, None


def form_of_pairs(raw: object) -> FormData | None:
    """A page form's fields as the page socket carries them: [name, value] pairs in the form's
    order, as its post would send them (static/live.js). None when malformed or more than a
    form post may carry."""
    if not isinstance(raw, list) or len(raw) > MAX_FORM_FIELDS:
        return None
    pairs: list[tuple[str, str | UploadFile]] = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2):
            return None
        name, value = item
        if not (isinstance(name, str) and isinstance(value, str)):
            return None
        pairs.append((name, value))
    return FormData(pairs)


def field(form: FormData, name: str) -> str:
    """A text field ("" when missing, or when a file was sent in its place)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def request_id_of(form: FormData) -> str | None:
    """A page action's idempotency key (set by static/live.js; absent without JavaScript): a
    retried send with the same id is acknowledged again and never counted twice."""
    return field(form, "request_id") or None


def as_int(raw: str) -> object:
    """A number typed into a field; anything else unchanged, for the domain to refuse with
    its own message."""
    try:
        return int(raw)
    except ValueError:
        return raw
