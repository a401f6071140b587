"""What the hall sees: the projector page, the stream overlay (transparent, for OBS or vMix, with
its lower third; and the moderators' builder for its link) and the neutral slide's program line.
Public like the join code they show; the socket keeps them live (live/web/sockets.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.models import AgendaItem, Event, Room
from live.domain.run_sheet import next_poll, run_sheet
from live.domain.text import _n
from live.fanout.state import RoomState
from live.i18n import translate
from live.qr import qr_svg
from live.views.countdown import countdown_html, epoch_ms
from live.views.overlay import (
    PART_LABELS,
    PARTS_IN_BUILDER,
    POSITION_LABELS,
    OverlayConfig,
    parse_overlay,
)
from live.views.regions import applause_region, mood_region, overlay_regions, screen_regions
from live.views.run_sheet import after_opening
from live.web.access import resolve
from live.web.identity import request_lang
from live.web.reach import reach_warning
from live.web.responses import fragment, page
from live.web.runtime import runtime, services
from live.web.security import allow_framing_by_own_pages, base_url


def join_links(
    request: Request, event: Event, rooms: list[Room], all_rooms: list[Room] | None = None
) -> dict[str, Any]:
    """The join link and its QR code, and for each of ``rooms`` its projector link and its
    short join link (numbered by its place among ``all_rooms``, the event's rooms)."""
    base = base_url(request, runtime(request).settings)
    participant = f"{base}/e/{event.code}"
    return {
        "participant_url": participant,
        "participant_qr": qr_svg(
            participant, translate(request_lang(request), _n("QR-Code zum Mitmachen"))
        ),
        "base_url": base,
        "screen_urls": [(r, f"{base}/e/{event.code}/screen?room={r.id}") for r in rooms],
        "room_join_urls": [(r, short_link(base, event, r, all_rooms or rooms)) for r in rooms],
    }


def short_link(base: str, event: Event, room: Room, rooms: list[Room]) -> str:
    """The link that opens ``room`` on a phone directly: ``/e/CODE/3`` for the third of the
    event's ``rooms`` (short enough to type from the wall; live/web/participant.py room_entry)."""
    number = next((n for n, r in enumerate(rooms, start=1) if r.id == room.id), 1)
    return f"{base}/e/{event.code}/{number}"


def room_join(
    request: Request, event: Event, room: Room, rooms: list[Room], *, projector: bool = False
) -> dict[str, Any]:
    """The room's short link with its QR code; ``join_display`` without the scheme. On the
    ``projector`` of an event that requires the access code, ``access_code`` is the code of
    this minute and the QR code carries it (``?code=``): scanning joins without typing. (Not
    on printed cards: the code would be stale by the time anyone scans it.)"""
    url = short_link(base_url(request, runtime(request).settings), event, room, rooms)
    access_code = services(request).participants.join_code(event) if projector else None
    scanned = f"{url}?code={access_code}" if access_code else url
    return {
        "join_url": url,
        "join_display": url.split("://", 1)[-1],
        "join_qr": qr_svg(scanned, translate(request_lang(request), _n("QR-Code zum Mitmachen"))),
        "access_code": access_code,
    }


async def _shown_room(request: Request) -> tuple[Event, Room, RoomState]:
    """The event, the room of ``?room=`` (else the first) and its state."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room_or_first(event, request.query_params.get("room"))
    return event, room, await svc.rooms.state(room)


async def _after_next(request: Request, event: Event, room: Room, state: RoomState) -> RoomState:
    """The room as the projector would show it after "Nächste Abstimmung" (the same state when
    nothing is left to open). For the room's moderators only: it shows a prepared poll."""
    access = await resolve(request, event)
    access.require_room(room)
    svc = services(request)
    upcoming = next_poll(run_sheet(room.id, await svc.program.agenda(event), state.polls))
    return state if upcoming is None else after_opening(state, upcoming, svc.clock.now())


async def screen(request: Request) -> Response:
    """The projector. ``?preview=1``: the same picture, live, for the moderators' console to
    frame as a thumbnail: silent (no applause engine) and without the operator's controls."""
    event, room, state = await _shown_room(request)
    lang = request_lang(request)
    rooms = await services(request).events.rooms(event)
    preview = request.query_params.get("preview") in ("1", "next")
    if request.query_params.get("preview") == "next":
        state = await _after_next(request, event, room, state)
    response = page(
        request,
        "screen.html",
        event=event,
        room=room,
        state=state,
        preview=preview,
        # "next": a still picture of what is not there yet, so no socket keeps it live.
        still=request.query_params.get("preview") == "next",
        stage_html=screen_regions(lang, state)[0].frame,
        countdown_html=countdown_html(lang, state.room.countdown, where="screen"),
        server_now_ms=epoch_ms(services(request).clock.now()),
        applause_html=applause_region(lang, state).frame,
        mood_html=mood_region(lang, state).frame,
        my_mood=None,
        **reach_warning(request),
        **room_join(request, event, room, rooms, projector=True),
    )
    if preview:
        allow_framing_by_own_pages(response)
    return response


async def screen_join(request: Request) -> Response:
    """The projector's join parts (fragments/screen_join.html, out of band), asked for again
    every few seconds by the wall: the access code changes every minute."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room_or_first(event, request.query_params.get("room"))
    html = fragment(
        request,
        "fragments/screen_join.html",
        event=event,
        part="all",
        oob=True,
        **room_join(request, event, room, await svc.events.rooms(event), projector=True),
    )
    response = HTMLResponse(html)
    response.headers["cache-control"] = "no-store"
    return response


def overlay_config(request: Request) -> OverlayConfig:
    """The overlay's settings from the query (defaults for anything unknown: never an error)."""
    query = request.query_params
    return parse_overlay(query.getlist("parts"), query.get("sound"), query.get("position"))


def overlay_builder(request: Request, event: Event, room: Room) -> dict[str, Any]:
    """The moderators' overlay-link builder: the link for the choice in the query (the builder
    is a GET form on the moderation page, so the same parameters as the overlay's own), and
    the preview's, always silent (a relative URL: the frame must come from this very origin)."""
    config = overlay_config(request)
    lang = request_lang(request)
    path = f"/e/{event.code}/overlay?room={room.id}" + ("" if lang == "de" else f"&lang={lang}")
    base = base_url(request, runtime(request).settings) + path
    return {
        "overlay_room": room,
        "overlay": config,
        "overlay_open": any(k in request.query_params for k in ("parts", "sound", "position")),
        "overlay_base": base,
        "overlay_url": f"{base}&{config.query()}",
        "overlay_preview_base": path,
        "overlay_preview_url": f"{path}&{replace(config, sound=False).query()}",
        "overlay_parts": [(p, PART_LABELS[p]) for p in PARTS_IN_BUILDER],
        "overlay_positions": list(POSITION_LABELS.items()),
    }


async def overlay(request: Request) -> Response:
    """The stream overlay: transparent, no controls, the parts its URL names. The moderators'
    overlay-link builder previews it in a frame, so it alone may be framed by our own pages."""
    event, room, state = await _shown_room(request)
    lang = request_lang(request)
    config = overlay_config(request)
    regions = {r.key: r.frame for r in overlay_regions(lang, state, config.parts)}
    response = page(
        request,
        "overlay.html",
        event=event,
        room=room,
        config=config,
        applause_html=applause_region(lang, state).frame,
        results_html=regions.get("overlay-results", ""),
        question_html=regions.get("overlay-question", ""),
        countdown_html=regions.get("countdown", ""),
        server_now_ms=epoch_ms(services(request).clock.now()),
        lower_third_html=(
            await _lower_third(request, event, room) if config.shows("lower-third") else ""
        ),
    )
    allow_framing_by_own_pages(response)
    return response


async def overlay_now(request: Request) -> Response:
    """The overlay's lower third, asked for again every 30 s: what runs now follows the clock."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room_or_first(event, request.query_params.get("room"))
    return HTMLResponse(await _lower_third(request, event, room))


async def _lower_third(request: Request, event: Event, room: Room) -> str:
    [program] = await services(request).program.rooms_now(event, [room])
    return fragment(
        request, "fragments/overlay_lower_third.html", event=event, room=room, program=program
    )


async def screen_now(request: Request) -> Response:
    """The neutral slide's program line: what runs in the room now and what comes next, by the
    services' clock."""
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    room = await svc.events.room_or_first(event, request.query_params.get("room"))
    # What runs in the room now and next, by the services' clock.
    [program] = await svc.program.rooms_now(event, [room])
    now = svc.clock.now()
    html = fragment(
        request,
        "fragments/slide_now.html",
        program=program,
        now_span=_span(program.now, request) if program.now else "",
        next_when=_when(program.next, now, request) if program.next else "",
    )
    return HTMLResponse(html)


def _local(moment: datetime, request: Request) -> datetime:
    return moment.astimezone(runtime(request).settings.zone)


def _span(item: AgendaItem, request: Request) -> str:
    return f"{_local(item.starts_at, request):%H:%M}–{_local(item.ends_at, request):%H:%M}"


def _when(item: AgendaItem, now: datetime, request: Request) -> str:
    """The start time; with the date when it is not today (the next slot may be tomorrow)."""
    start = _local(item.starts_at, request)
    if start.date() == _local(now, request).date():
        return f"{start:%H:%M}"
    return f"{start:%d.%m.} {start:%H:%M}"
