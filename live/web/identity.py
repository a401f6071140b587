"""Who is asking: the anonymous participant cookie, the moderator token, the language."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from live.i18n import DEFAULT_LANG, Lang, parse_lang
from live.settings import Settings

LANG_COOKIE = "live_lang"
YEAR = 365 * 24 * 3600


def participant_cookie(code: str) -> str:
    return f"live_p_{code}"


def moderator_cookie(code: str) -> str:
    return f"live_m_{code}"


def room_moderator_cookie(code: str, room_id: str) -> str:
    """A room moderator's token, one cookie per room: a person may moderate two forums, and the
    organiser's cookie (moderator_cookie) stays separate. Room ids are URL-safe, cookie-safe."""
    return f"live_r_{code}_{room_id}"


def bearer(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_address(conn: HTTPConnection) -> str:
    """The client's address: a trusted proxy's X-Forwarded-For is already applied to it
    (LIVE_FORWARDED_ALLOW_IPS, live/app.py), anyone else's ignored."""
    return conn.client.host if conn.client is not None else ""


def request_lang(conn: HTTPConnection) -> Lang:
    """?lang= wins, then the cookie it left; German otherwise (German first, whatever the browser
    prefers: the audience is German and a mixed-language room is confusing)."""
    return (
        parse_lang(conn.query_params.get("lang"))
        or parse_lang(conn.cookies.get(LANG_COOKIE))
        or DEFAULT_LANG
    )


def remember_lang(conn: HTTPConnection, response: Response, settings: Settings) -> None:
    chosen = parse_lang(conn.query_params.get("lang"))
    if chosen is not None and chosen != conn.cookies.get(LANG_COOKIE):
        set_cookie(
            response, LANG_COOKIE, chosen, settings, max_age=YEAR, http_only=False, framed=True
        )


def set_cookie(
    response: Response,
    name: str,
    value: str,
    settings: Settings,
    *,
    max_age: int = 30 * 24 * 3600,
    http_only: bool = True,
    same_site: str = "lax",
    framed: bool = False,
) -> None:
    """``framed``: a cookie of the pages other sites may frame (the participant's, the
    language). See cross_site_cookies."""
    cross_site = framed and cross_site_cookies(settings)
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.secure_cookies,
        httponly=http_only,
        samesite="none" if cross_site else same_site,  # type: ignore[arg-type]
    )
    if cross_site:
        # Partitioned (CHIPS): kept per top-level site, so a browser that blocks third-party
        # cookies still keeps this one inside the frame, and it is no tracker (another site
        # framing us gets a cookie of its own). Python < 3.14's cookie module cannot write
        # the attribute, so it is added to the header just made.
        name_bytes, header = response.raw_headers[-1]
        response.raw_headers[-1] = (name_bytes, header + b"; Partitioned")


def cross_site_cookies(settings: Settings) -> bool:
    """Whether the framable pages' cookies are SameSite=None; Secure; Partitioned: when other
    sites may frame them (LIVE_FRAME_ANCESTORS) and cookies are Secure (browsers drop
    SameSite=None without it). In a frame on another site a Lax cookie is never sent, so a
    participant there would be a new stranger on every load and every vote refused. Without
    Secure cookies the frame works only on a site of our own (same registrable domain)."""
    return bool(settings.frame_ancestors) and settings.secure_cookies
