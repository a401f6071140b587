"""What the pages answer: a whole page, an htmx fragment with its announcement, a redirect
(every action also works without JavaScript: a plain form post, then a redirect back), and the
API's JSON."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from live.i18n import LANGUAGES, Lang
from live.views import api as shapes
from live.views.templating import render
from live.web.embed import is_embed, keep_embed
from live.web.errors import page_error
from live.web.footer import footer
from live.web.identity import remember_lang, request_lang
from live.web.runtime import runtime


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def lang_urls(conn: HTTPConnection) -> list[tuple[str, str]]:
    """Links to this page in each language, keeping the other query parameters (never a
    token: it must not end up in a link that gets shared; nor the one-time ``again``)."""
    urls: list[tuple[str, str]] = []
    for code in LANGUAGES:
        params = [
            (k, v)
            for k, v in conn.query_params.multi_items()
            if k not in {"lang", "token", "again"}
        ]
        params.append(("lang", code))
        urls.append((code, f"{conn.url.path}?{urlencode(params)}"))
    return urls


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = request_lang(request)
    context.setdefault("lang_urls", lang_urls(request))
    context.setdefault("footer", footer(runtime(request).settings))
    # The side-panel view (live/web/embed.py): base.html leaves out the site header.
    context.setdefault("embed", is_embed(request))
    response = HTMLResponse(render(lang, template, **context), status_code=status)
    remember_lang(request, response, runtime(request).settings)
    return response


def fragment(request: Request, template: str, **context: Any) -> str:
    """One template rendered in the reader's language (a part of an htmx answer)."""
    context.setdefault("embed", is_embed(request))
    return render(request_lang(request), template, **context)


def announce(request: HTTPConnection, message: str, *, error: bool = False) -> str:
    """The out-of-band status message (#announcer, role="status") of an htmx answer."""
    return _announcement(request_lang(request), message, error)


@lru_cache(maxsize=256)
def _announcement(lang: Lang, message: str, error: bool) -> str:
    # Every page vote is answered with one of a few messages: rendered once each, not 5 % of a
    # burst's answers (docs/benchmarks.md).
    return render(lang, "fragments/announce.html", message=message, error=error or None)


def swap_oob(html: str, region_id: str) -> str:
    """A region sent beside an htmx answer's main fragment: htmx swaps it by its id."""
    root = f'id="{region_id}"'
    return html.replace(root, f'{root} hx-swap-oob="true"', 1)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def no_js_answer(request: Request, error: str | None, status: int, back: str) -> Response:
    """The answer to a plain form post (no htmx): the error page, or a redirect back (to the
    side-panel view when the post came from it)."""
    if error is not None:
        return page_error(request, status, error)
    return redirect(keep_embed(request, back))


def json_response(
    value: object, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        shapes.dumps(value), status_code=status, media_type="application/json", headers=headers
    )
