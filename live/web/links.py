"""The organiser's pages about links: the start page after creating an event (the moderator
link, to copy, mail or scan, and what to do next), the page with every link and QR code of
the event, to share or to print, and the secret room links made there (create, renew, revoke).

Both show secret links, so they are for those who hold the keys only (a room moderator sees the
links of their own rooms on the links page, never a moderator link), and no browser or proxy
keeps a copy (no-store). Without the key a browser gets the moderator login form, as on the
moderation page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.models import Event, Room
from live.domain.text import _n
from live.errors import Forbidden, Unauthorized
from live.i18n import translate
from live.qr import qr_svg
from live.web.access import Access, organiser_event, resolve
from live.web.forms import field, read_form
from live.web.identity import request_lang
from live.web.moderator import login_page
from live.web.responses import announce, fragment, is_htmx, page, redirect
from live.web.runtime import runtime, services
from live.web.screen import join_links, overlay_builder, room_join
from live.web.security import base_url, may_frame_own_pages

NO_STORE = {"cache-control": "no-store"}


def moderator_link(request: Request, event: Event, access: Access) -> str:
    """The organiser's link with the key (as the moderation page builds it): opened in any
    browser it leaves the key in a cookie there and leads to the moderation."""
    base = base_url(request, runtime(request).settings)
    return f"{base}/e/{event.code}/moderate?token={access.offered.organiser}"


def mail_link(request: Request, event: Event, url: str) -> str:
    """A mailto: link without an address (the organiser fills in their own) whose subject and
    body carry the moderator link. RFC 6068: percent-encoded, line breaks as CRLF."""
    lang = request_lang(request)
    subject = translate(lang, _n("Moderationslink für „%(title)s“"), {"title": event.title})
    body = translate(
        lang,
        _n(
            "Mein Moderationslink für „%(title)s“:\n%(url)s\n\n"
            "Wer diesen Link hat, kann die Veranstaltung steuern. Bitte nicht weitergeben."
        ),
        {"title": event.title, "url": url},
    )
    body = body.replace("\n", "\r\n")
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


async def _visitor(
    request: Request, page_name: str, require: Callable[[Access], None]
) -> tuple[Event, Access] | Response:
    """The event of the URL and who is asking, if ``require`` lets them in; else the moderator
    login page, or a redirect when the address spells the code another way (lower case, a
    dash): to the event's own spelling."""
    event = await services(request).events.event(request.path_params["code"])
    if event.code != request.path_params["code"]:
        return redirect(f"/e/{event.code}/{page_name}")
    access = await resolve(request, event)
    try:
        require(access)
    except (Unauthorized, Forbidden) as exc:
        return login_page(request, event, exc)
    return event, access


async def start(request: Request) -> Response:
    """Where the organiser lands after creating the event: the moderator link in full."""
    found = await _visitor(request, "start", Access.require_organiser)
    if isinstance(found, Response):
        return found
    event, access = found
    url = moderator_link(request, event, access)
    lang = request_lang(request)
    response = page(
        request,
        "start.html",
        event=event,
        moderator_url=url,
        mail_url=mail_link(request, event, url),
        moderator_qr=qr_svg(url, translate(lang, _n("QR-Code des Moderationslinks"))),
    )
    response.headers.update(NO_STORE)
    return response


async def links(request: Request) -> Response:
    """Every link and QR code of the event (organiser), or of one's own rooms (room
    moderator): to copy, to open on the projector, or to print and hand out."""
    found = await _visitor(request, "links", Access.require_moderator)
    if isinstance(found, Response):
        return found
    event, access = found
    rooms = await services(request).events.rooms(event)
    shown = [r for r in rooms if access.moderates(r.id)]
    shared = join_links(request, event, shown, rooms)
    screen_of = {r.id: url for r, url in shared["screen_urls"]}
    # The stream overlay's builder, for the room of ?room= (else the first shown).
    wanted = request.query_params.get("room")
    overlay_room = next((r for r in shown if r.id == wanted), shown[0])
    extra: dict[str, Any] = {"overlay_rooms": shown}
    extra.update(overlay_builder(request, event, overlay_room))
    if access.organiser:
        extra["moderator_url"] = moderator_link(request, event, access)
        extra["room_links_html"] = room_links_html(request, event, rooms)
    response = page(
        request,
        "links.html",
        event=event,
        organiser=access.organiser,
        participant_url=shared["participant_url"],
        participant_qr=shared["participant_qr"],
        # Per room: its short join link with the QR code, and its projector link.
        room_cards=[
            {"room": r, "screen_url": screen_of[r.id], **room_join(request, event, r, rooms)}
            for r in shown
        ],
        **extra,
    )
    response.headers.update(NO_STORE)
    may_frame_own_pages(response)  # the overlay builder's preview
    return response


# --- room links (the organiser's secret link per room) -------------------------------------


def room_links_html(
    request: Request,
    event: Event,
    rooms: list[Room],
    fresh: tuple[str, str] | None = None,
    *,
    level: int = 3,
) -> str:
    """The organiser's list of room links. ``fresh``: (room id, link) just created, shown once.
    ``level``: its heading's, one below the heading it stands under (an h3 in the links page's
    h2 section; an h2 on the page of its own without JavaScript, under its h1)."""
    return fragment(
        request,
        "fragments/room_links.html",
        event=event,
        rooms=rooms,
        fresh=fresh,
        heading_level=level,
    )


def room_link_url(request: Request, event: Event, room: Room, token: str) -> str:
    base = base_url(request, runtime(request).settings)
    return f"{base}/e/{event.code}/moderate?room={room.id}&token={token}"


async def room_link(request: Request) -> Response:
    """Create (or renew: the old link stops working) a room's secret link; ``revoke`` removes
    it. Organiser only."""
    form = await read_form(request)
    svc = services(request)
    event = await organiser_event(request)
    room = await svc.events.room(event, request.path_params["room_id"])
    lang = request_lang(request)
    fresh: tuple[str, str] | None = None
    if field(form, "revoke"):
        await svc.events.revoke_room_link(room)
        message = translate(
            lang, _n("Der Moderationslink für %(room)s gilt nicht mehr."), {"room": room.name}
        )
    else:
        token = await svc.events.create_room_link(room)
        fresh = (room.id, room_link_url(request, event, room, token))
        message = translate(
            lang,
            _n("Neuer Moderationslink für %(room)s. Ein älterer Link gilt nicht mehr."),
            {"room": room.name},
        )
    rooms = await svc.events.rooms(event)
    if is_htmx(request):
        html = room_links_html(request, event, rooms, fresh)
        return HTMLResponse(html + announce(request, message))
    if fresh is None:
        return redirect(f"/e/{event.code}/links")
    # Without JavaScript: a page of its own, since the link is shown only this once.
    html = room_links_html(request, event, rooms, fresh, level=2)
    return page(request, "room_link.html", event=event, room=room, links_html=html)
