"""Browser-facing hardening: security headers on every response (the document-only ones not on
scripts and stylesheets) and Origin checks.

The Content-Security-Policy is strict: only our own scripts, styles and sockets; no inline code
(user text can therefore never run, even if escaping failed); no third-party requests at all.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from live.settings import Settings


def content_security_policy(*, frame_ancestors: str = "'none'", frame_src: str = "") -> str:
    """The policy of every response; ``frame_ancestors`` who may frame it, ``frame_src`` what it
    may frame (nothing unless given: default-src 'none')."""
    frames = f"frame-src {frame_src}; " if frame_src else ""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; {frames}"
        f"frame-ancestors {frame_ancestors}"
    )


CSP = content_security_policy()
# Framing is refused everywhere (clickjacking) but for the two ends of the overlay preview
# (allow_framing_by_own_pages and may_frame_own_pages below) and the pages of the routes
# table's FramableRoute, for the origins of LIVE_FRAME_ANCESTORS. X-Frame-Options is not in
# this list: it follows each answer's frame-ancestors (x_frame_options).
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own
    # form posts, which would defeat the Origin check. Nothing leaks to other sites either way.
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@lru_cache(maxsize=32)  # on every document answer (page votes too); only a few policies exist
def x_frame_options(csp: bytes) -> bytes | None:
    """X-Frame-Options for browsers that know no frame-ancestors (the others ignore it when
    the CSP has one): DENY for 'none', SAMEORIGIN for 'self', none at all for a list of
    origins, which it cannot express (ALLOW-FROM is dead; DENY would block the listed ones)."""
    ancestors = _directive(csp.decode("latin-1"), "frame-ancestors")
    if ancestors in ("", "'none'"):
        return b"DENY"
    if ancestors == "'self'":
        return b"SAMEORIGIN"
    return None


def _directive(csp: str, name: str) -> str:
    for part in csp.split(";"):
        key, _, value = part.strip().partition(" ")
        if key == name:
            return value.strip()
    return ""


def with_frame_ancestors(csp: str, ancestors: str) -> str:
    """``csp`` with its frame-ancestors directive set to ``ancestors``."""
    kept = [p.strip() for p in csp.split(";") if p.strip().partition(" ")[0] != "frame-ancestors"]
    return "; ".join([*kept, f"frame-ancestors {ancestors}"])


# Scripts and stylesheets are not documents: the CSP, framing, permissions and opener policies
# do nothing for them (browsers apply them to documents and workers; the app starts no worker).
# On a phone's first load those ~400 bytes per file were a tenth of all bytes on the wire. What
# does apply stays: nosniff (a script must be served as one) and the referrer policy (the
# requests a stylesheet makes).
SUBRESOURCE_TYPES = (b"text/css", b"text/javascript", b"application/javascript")
SUBRESOURCE_HEADERS = [
    (name, value)
    for name, value in HEADERS
    if name in {b"x-content-type-options", b"referrer-policy"}
]


def headers_for(content_type: bytes) -> list[tuple[bytes, bytes]]:
    media_type = content_type.partition(b";")[0].strip().lower()
    return SUBRESOURCE_HEADERS if media_type in SUBRESOURCE_TYPES else HEADERS


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task like BaseHTTPMiddleware; sockets pass through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower(): value for name, value in headers}
                added = headers_for(present.get(b"content-type", b""))
                headers += [(name, value) for name, value in added if name not in present]
                if added is HEADERS and b"x-frame-options" not in present:
                    csp = present.get(b"content-security-policy", CSP.encode())
                    if (xfo := x_frame_options(csp)) is not None:
                        headers.append((b"x-frame-options", xfo))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PrivateRoute(Route):
    """A route whose answers belong to an organiser or a room's moderator (moderation, control
    room, setup, links, report, their fragments and redirects): ``Cache-Control: no-store`` on
    every answer, errors included, so a shared projector laptop or a proxy keeps none of them
    for the next person at the keyboard (the back button, the browser's disk cache). The routes
    table (live/web/routes.py) says which routes these are; this is the one place that sets it."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"cache-control"
                ]
                message["headers"] = [*headers, (b"cache-control", b"no-store")]
            await send(message)

        await super().handle(scope, receive, send_no_store)


class FramableRoute(Route):
    """A page the sites of LIVE_FRAME_ANCESTORS may show in a frame (a video conference's side
    panel, a Matrix widget, an intranet portal): the participant pages with their form posts,
    the projector and the stream overlay. The routes table (live/web/routes.py) says which
    routes these are, so every other page (moderation, control room, setup, links, report)
    stays unframeable, and so does a page added without thinking of it. Every answer of the
    route (errors included) gets frame-ancestors 'self' and the listed origins, and no
    X-Frame-Options (see x_frame_options). Without the setting nothing changes."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        origins = _frame_origins(scope)
        if not origins:
            await super().handle(scope, receive, send)
            return
        ancestors = " ".join(["'self'", *origins])

        async def send_framable(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                csp = next(
                    (v.decode("latin-1") for n, v in headers if n == b"content-security-policy"),
                    CSP,
                )
                message["headers"] = [
                    (name, value)
                    for name, value in headers
                    if name not in (b"content-security-policy", b"x-frame-options")
                ] + [(b"content-security-policy", with_frame_ancestors(csp, ancestors).encode())]
            await send(message)

        await super().handle(scope, receive, send_framable)


def _frame_origins(scope: Scope) -> tuple[str, ...]:
    """LIVE_FRAME_ANCESTORS of the app serving ``scope`` (the runtime its lifespan built)."""
    runtime = getattr(scope["app"].state, "live", None)
    return runtime.settings.frame_ancestors if runtime is not None else ()


def allow_framing_by_own_pages(response: Response) -> None:
    """The stream overlay: the moderation page previews it in a frame. Our own pages only; OBS
    and vMix load it as a page of its own, not in a frame. (X-Frame-Options follows:
    SAMEORIGIN.) LIVE_FRAME_ANCESTORS adds other sites' origins (FramableRoute)."""
    response.headers["content-security-policy"] = content_security_policy(frame_ancestors="'self'")


def may_frame_own_pages(response: Response) -> None:
    """The moderation page: it frames the overlay's preview (and nothing from elsewhere)."""
    response.headers["content-security-policy"] = content_security_policy(frame_src="'self'")


def own_origin(conn: HTTPConnection) -> str:
    # From the scope, not conn.url: building the whole URL was a third of reading a page's
    # form in a burst of votes (docs/benchmarks.md).
    scheme = conn.scope.get("scheme", "http")
    scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    host = conn.headers.get("host", "")
    return f"{scheme}://{host}".lower()


def origin_allowed(conn: HTTPConnection, settings: Settings) -> bool:
    """Browsers always send Origin on WebSocket handshakes and cross-site POSTs. No Origin means
    a non-browser client (script, overlay tool), which cookies cannot be forged from."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    if origin == own_origin(conn):
        return True
    if settings.public_url and origin == _origin_of(settings.public_url):
        return True
    return origin in {o.lower() for o in settings.allowed_origins}


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def base_url(conn: HTTPConnection, settings: Settings) -> str:
    """Absolute base for links and QR codes."""
    if settings.public_url:
        return settings.public_url
    scheme = {"ws": "http", "wss": "https"}.get(conn.url.scheme, conn.url.scheme)
    return f"{scheme}://{conn.headers.get('host', conn.url.netloc)}"
