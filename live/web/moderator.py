"""The moderation page of a room and its actions: polls, the projector, rooms and room links.
The Q&A half is in moderator_qa.py.

The organiser moderates every room; a room link's holder only that room (live/web/access.py).
Every action is a plain form post first (a redirect back without JavaScript); with htmx it
answers with the region it changed and an announcement.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain import countdown as countdown_rules
from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.qa_paging import MODERATOR_LISTS, pages_query
from live.domain.text import _n
from live.errors import Forbidden, NotFound, Unauthorized
from live.fanout.state import RoomState
from live.i18n import Lang, translate
from live.service.polls import Opening
from live.views.countdown import epoch_ms, moderator_countdown_html
from live.views.forums import card_html
from live.views.ideas import moderator_ideas_region
from live.views.pace import pace_context
from live.views.program import TimeFormat, agenda_choices, prefilled_poll_form
from live.views.qa_queue import moderator_queue
from live.views.regions import (
    applause_region,
    moderator_live_regions,
    moderator_screen_region,
    mood_region,
)
from live.views.run_sheet import run_sheet_html
from live.views.screen import MODE_BUTTONS, MODE_MESSAGES
from live.views.surveys import moderator_surveys_region
from live.views.templating import render
from live.web.access import (
    OTHER_ROOM,
    Access,
    moderated_event,
    moderator_token,
    organiser_event,
    resolve,
)
from live.web.errors import error_text, status_for
from live.web.forms import FieldErrors, as_int, field, read_form
from live.web.identity import moderator_cookie, request_lang, room_moderator_cookie, set_cookie
from live.web.paging import request_pages
from live.web.reach import reach_warning
from live.web.responses import announce, fragment, is_htmx, page, redirect, swap_oob
from live.web.runtime import runtime, services
from live.web.screen import short_link
from live.web.security import base_url, may_frame_own_pages

# The poll form's fields, with the values of an empty form.
POLL_FORM = {
    "question": "",
    "kind": "single",
    "options": "",
    "scale_min": "1",
    "scale_max": "5",
    "visibility": "after_vote",
    "screen_results": "live",
    "max_answers": "1",
    "agenda_item_id": "",
    "joined_before_only": "",  # a checkbox: "1" when ticked
    "max_ranked": "",  # ranking: empty = all places count
    "budget": "100",  # points
    "scale_min_label": "",
    "scale_max_label": "",
}
# Which field an error of the poll form is shown next to (others: the options).
POLL_FIELD_OF = {
    "empty_question": "question",
    "question_too_long": "question",
    "invalid_kind": "kind",
    "invalid_scale": "scale",
    "invalid_visibility": "visibility",
    "invalid_screen_results": "screen_results",
    "invalid_max_answers": "max_answers",
    "invalid_max_ranked": "max_ranked",
    "invalid_budget": "budget",
    "invalid_scale_label": "scale_label",
    "agenda_item_not_found": "agenda",
    "agenda_other_room": "agenda",
}
# An opening names the poll, and the one it closed (issue 19: one open poll per room).
OPENED = _n("Abstimmung „%(opened)s“ geöffnet.")
OPENED_CLOSING = _n("Abstimmung „%(opened)s“ geöffnet, „%(closed)s“ geschlossen.")
POLL_ACTIONS = {
    "open": OPENED,
    "close": _n("Die Abstimmung ist beendet."),
    "screen": _n("Die Leinwand zeigt jetzt diese Abstimmung."),
    "visibility": _n("Die Ergebnisse auf den Smartphones wurden umgestellt."),
    "screen-results": _n("Die Ergebnisse auf der Leinwand wurden umgestellt."),
    "hide": _n("„%(entry)s“ ist aus der Wortwolke ausgeblendet."),
    "show": _n("„%(entry)s“ wird wieder in der Wortwolke gezeigt."),
    "joined-before": _n("Wer abstimmen darf, wurde umgestellt."),
}


def moderated_room(access: Access, rooms: list[Room], wanted: str | None) -> Room:
    """The room the moderation page shows: any room (``?room=``, else the first) for the
    organiser; for a room moderator the room named, else the first one this browser holds a
    link for. Unauthorized/Forbidden when there is none."""
    if access.organiser:
        room = next((r for r in rooms if r.id == wanted), None) if wanted else rooms[0]
        if room is None:
            raise NotFound("room_not_found", _n("Diesen Raum gibt es nicht."))
        return room
    access.require_moderator()
    held = [r for r in rooms if access.moderates(r.id)]
    room = next((r for r in held if wanted is None or r.id == wanted), None)
    if room is None:
        raise Forbidden("forbidden", OTHER_ROOM)
    return room


async def moderate(request: Request) -> Response:
    svc = services(request)
    event = await svc.events.event(request.path_params["code"])
    token = request.query_params.get("token")
    if token is not None:
        return await _keep_token(request, event, token)
    rooms = await svc.events.rooms(event)
    access = await resolve(request, event)
    try:
        room = moderated_room(access, rooms, request.query_params.get("room"))
    except (Unauthorized, Forbidden) as exc:
        return login_page(request, event, exc)
    state = await svc.rooms.state(room)
    lang = request_lang(request)
    organiser = access.organiser
    suffix = "" if lang == "de" else f"&lang={lang}"
    # A link from the setup page prepares a poll (?template=, ?agenda=): the form is open then.
    prefilled = any(k in request.query_params for k in ("template", "agenda"))
    qa_pages = request_pages(request, MODERATOR_LISTS)
    response = page(
        request,
        "moderate.html",
        event=event,
        room=room,
        rooms=rooms if organiser else [room],
        organiser=organiser,
        state=state,
        screen_html=moderator_screen_region(lang, state).frame,
        countdown_html=moderator_countdown_html(lang, state),
        ideas_card_html=moderator_ideas_region(lang, state).frame,
        # The organiser's card „Ergebnisse aus den Foren“ (every room's ranking polls: read
        # here, not pushed; the card is a form the organiser fills in).
        forum_card_html=card_html(lang, event, rooms, await svc.forums.ranking_polls(rooms))
        if organiser
        else "",
        surveys_html=moderator_surveys_region(lang, state).frame,
        preset_minutes=countdown_rules.PRESET_MINUTES,
        server_now_ms=epoch_ms(svc.clock.now()),
        mode_buttons=MODE_BUTTONS,
        polls_html=(await run_sheet_of(request, event))(lang, state),
        live_html=moderator_live_regions(lang, state)[0].frame,
        questions_html=moderator_queue(lang, state, pages=qa_pages).html,
        qa_query=pages_query(qa_pages),
        applause_html=applause_region(lang, state).frame,
        mood_html=mood_region(lang, state).frame,
        my_mood=None,
        **pace_context(state),
        poll_form_open=prefilled,
        # The projector's thumbnail: the screen page itself, framed (a relative URL: the frame
        # must come from this very origin).
        screen_url=f"/e/{event.code}/screen?room={room.id}&preview=1{suffix}",
        room_join=short_link(base_url(request, runtime(request).settings), event, room, rooms),
        errors=FieldErrors(),
        **reach_warning(request),
        **await _poll_form_context(request, event, room, prefill=True),
    )
    may_frame_own_pages(response)  # the projector's thumbnail
    return response


async def _keep_token(request: Request, event: Event, token: str) -> Response:
    """The token arrives once in the link; keep it in a cookie and drop it from the address
    bar (and so from the browser history and any screen share). A room link's token goes into
    that room's own cookie and leads to that room, whatever ?room= says."""
    access = await resolve(request, event, offered=moderator_token(token))
    access.require_moderator()
    room_id = None if access.organiser else next(iter(access.rooms))
    target = f"/e/{event.code}/moderate"
    room_param = room_id or request.query_params.get("room")
    if room_param:
        target += "?" + urlencode({"room": room_param})
    name = (
        moderator_cookie(event.code)
        if room_id is None
        else room_moderator_cookie(event.code, room_id)
    )
    response = redirect(target)
    set_cookie(response, name, token, runtime(request).settings, same_site="strict")
    return response


def login_page(request: Request, event: Event, exc: Unauthorized | Forbidden) -> Response:
    """The moderator login form instead of a page this browser may not see (401/403)."""
    return page(
        request,
        "moderate_login.html",
        status_for(exc),
        event=event,
        message=error_text(request, exc),
    )


# --- polls ---------------------------------------------------------------------------------


async def _poll_form_context(
    request: Request,
    event: Event,
    room: Room,
    values: dict[str, str] | None = None,
    *,
    prefill: bool = False,
) -> dict[str, Any]:
    """The poll form's values (``prefill``: from ?template= and ?agenda= of the page link) and
    the room's agenda items to prepare a poll for."""
    rt = runtime(request)
    lang = request_lang(request)
    times = TimeFormat(rt.settings.zone, lang)
    items = [i for i in await rt.services.program.agenda(event) if i.room_id == room.id]
    if values is None:
        values = (
            prefilled_poll_form(lang, POLL_FORM, request.query_params) if prefill else POLL_FORM
        )
    return {"values": values, "agenda_items": agenda_choices(items, times)}


async def room_of_request(request: Request) -> tuple[Event, Room]:
    """The event and the room of the URL, for the organiser or this room's moderator."""
    event, access = await moderated_event(request)
    room = await services(request).events.room(event, request.path_params["room_id"])
    access.require_room(room)
    return event, room


async def moderation_answer(
    request: Request,
    event: Event,
    room: Room,
    action: Awaitable[str],
    region: Callable[[Lang, RoomState], str],
    anchor: str = "",
) -> Response:
    """The answer to a moderator's action in a room. ``action`` does it and says what was
    done. Without JavaScript: back to the room's moderation page (an error: the error page).
    With htmx: the region the action changed, as it is now, and the announcement of what
    happened, or of the error (which changed nothing)."""
    status = 200
    try:
        message = await action
    except DomainError as exc:
        if not is_htmx(request):
            raise
        message, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}{anchor}")
    state = await services(request).rooms.state(room)
    html = region(request_lang(request), state) + announce(request, message, error=status >= 400)
    return HTMLResponse(html, status_code=status)


async def run_sheet_of(request: Request, event: Event) -> Callable[[Lang, RoomState], str]:
    """The run sheet's renderer for ``event`` (it needs the program and the time zone, which
    the room's state does not hold)."""
    rt = runtime(request)
    agenda = await rt.services.program.agenda(event)

    def render_sheet(lang: Lang, state: RoomState) -> str:
        return run_sheet_html(lang, state, agenda, TimeFormat(rt.settings.zone, lang))

    return render_sheet


async def polls_region(request: Request, event: Event) -> Callable[[Lang, RoomState], str]:
    """What a poll action changes on the console, each swapped by its id (the forms swap
    nothing themselves): the run sheet, the live panel and the projector control."""
    sheet = await run_sheet_of(request, event)

    def region(lang: Lang, state: RoomState) -> str:
        return (
            swap_oob(sheet(lang, state), "mod-polls")
            + swap_oob(moderator_live_regions(lang, state)[0].frame, "mod-live")
            + swap_oob(moderator_screen_region(lang, state).frame, "mod-screen")
        )

    return region


async def run_sheet(request: Request) -> Response:
    """The run sheet again (the console asks when a push showed a poll opening or closing)."""
    event, room = await room_of_request(request)
    state = await services(request).rooms.state(room)
    html = (await run_sheet_of(request, event))(request_lang(request), state)
    return HTMLResponse(html, headers={"cache-control": "no-store"})


def screen_region(lang: Lang, state: RoomState) -> str:
    return moderator_screen_region(lang, state).frame


async def create_poll(request: Request) -> Response:
    form = await read_form(request)
    event, room = await room_of_request(request)
    svc = services(request)
    values = {k: field(form, k) for k in POLL_FORM}
    # Fields newer than some clients' copy of the form (and API-like posts) may be missing.
    for name in ("screen_results", "max_answers", "budget"):
        values[name] = values[name] or POLL_FORM[name]
    options = [line for line in values["options"].splitlines() if line.strip()]
    scale = values["kind"] == "scale"
    text = values["kind"] == "text"
    try:
        agenda = await svc.program.item_for_poll(event, room, values["agenda_item_id"])
        poll = await svc.polls.create(
            event,
            room,
            question=values["question"],
            kind=values["kind"],
            options=options,
            scale_min=as_int(values["scale_min"]) if scale else None,
            scale_max=as_int(values["scale_max"]) if scale else None,
            visibility=values["visibility"],
            screen_results=values["screen_results"],
            max_answers=as_int(values["max_answers"]) if text else None,
            joined_before_only=bool(values["joined_before_only"]),
            max_ranked=as_int(values["max_ranked"]) if values["max_ranked"].strip() else None,
            budget=as_int(values["budget"]),
            scale_min_label=values["scale_min_label"],
            scale_max_label=values["scale_max_label"],
            agenda_item_id=agenda.id if agenda is not None else None,
        )
        if field(form, "open_now"):
            await svc.polls.open(event, poll.id)
    except DomainError as exc:
        if not is_htmx(request):
            raise
        name = POLL_FIELD_OF.get(exc.code, "options")
        message = error_text(request, exc)
        html = fragment(
            request,
            "fragments/poll_form.html",
            event=event,
            room=room,
            errors=FieldErrors({name: message}),
            **await _poll_form_context(request, event, room, values),
        )
        # Said, too (static/console.js puts the focus on the field it names).
        html += announce(request, message, error=True)
        return HTMLResponse(html, status_code=status_for(exc))
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    lang = request_lang(request)
    state = await svc.rooms.state(room)
    html = fragment(
        request,
        "fragments/poll_form.html",
        event=event,
        room=room,
        errors=FieldErrors(),
        # The agenda item stays chosen: several polls are often prepared for one item.
        **await _poll_form_context(
            request, event, room, {**POLL_FORM, "agenda_item_id": values["agenda_item_id"]}
        ),
    )
    html += (await polls_region(request, event))(lang, state)
    html += announce(request, translate(lang, _n("Die Abstimmung wurde angelegt.")))
    return HTMLResponse(html)


async def poll_action(request: Request) -> Response:
    form = await read_form(request)
    event, access = await moderated_event(request)
    svc = services(request)
    action = request.path_params["action"]
    if action not in POLL_ACTIONS:
        raise NotFound("not_found", _n("Diese Seite gibt es nicht."))
    poll = await svc.polls.poll(event, request.path_params["poll_id"])
    room = await svc.events.room(event, poll.room_id)
    access.require_room(room)

    async def act() -> str:
        params: dict[str, object] = {}
        if action == "open":
            return opening_message(request_lang(request), await svc.polls.opening(event, poll.id))
        if action == "close":
            await svc.polls.close(event, poll.id)
        elif action == "screen":
            await svc.screen.set_mode(event, room, "poll", poll.id)
        elif action == "screen-results":
            await svc.polls.set_screen_results(event, poll.id, field(form, "screen_results"))
        elif action == "joined-before":
            # A checkbox: sent when ticked, absent when not.
            settings = {"joined_before_only": bool(field(form, "joined_before_only"))}
            await svc.polls.change_settings(event, poll.id, settings)
        elif action in ("hide", "show"):
            # A word or an answer of the word cloud (form fields kind and entry).
            entry = field(form, "entry")
            hidden = action == "hide"
            await svc.polls.hide(event, poll.id, field(form, "kind"), entry, hidden=hidden)
            params["entry"] = entry.strip()
        else:
            await svc.polls.set_visibility(event, poll.id, field(form, "visibility"))
        return translate(request_lang(request), POLL_ACTIONS[action], params)

    return await moderation_answer(request, event, room, act(), await polls_region(request, event))


def opening_message(lang: Lang, opening: Opening) -> str:
    """What the status region says after a poll opened: the poll, and those that closed."""
    closed = "“, „".join(p.question for p in opening.closed)
    params: dict[str, object] = {"opened": opening.poll.question, "closed": closed}
    return translate(lang, OPENED_CLOSING if closed else OPENED, params)


async def next_poll(request: Request) -> Response:
    """ "Nächste Abstimmung": open the room's next prepared poll of its run sheet (the open one
    closes, unless the room allows parallel polls)."""
    await read_form(request)
    event, room = await room_of_request(request)

    async def act() -> str:
        opening = await services(request).polls.open_next(event, room)
        return opening_message(request_lang(request), opening)

    return await moderation_answer(request, event, room, act(), await polls_region(request, event))


# --- the projector -------------------------------------------------------------------------


async def set_screen(request: Request) -> Response:
    """What the room's projector shows (form field ``mode``, with ``poll`` for the modes
    "poll" and "words"); without a mode: the join code (the form from before the modes)."""
    form = await read_form(request)
    event, room = await room_of_request(request)

    async def act() -> str:
        chosen = await services(request).screen.set_mode(
            event, room, field(form, "mode") or "join", field(form, "poll") or None
        )
        return translate(request_lang(request), MODE_MESSAGES[chosen])

    return await moderation_answer(request, event, room, act(), screen_region)


STREAM_ON = _n(
    "Der Applaus kommt jetzt über den Stream: "
    "Die Geräte der Teilnehmenden spielen ihn nicht mehr ab."
)
STREAM_OFF = _n(
    "Die Geräte der Teilnehmenden spielen den Applaus wieder ab, "
    "wo „Applaus hören“ eingeschaltet ist."
)


async def applause_stream(request: Request) -> Response:
    """The room's setting "Applaus kommt über den Stream" (checkbox ``applause_via_stream``);
    answered with the setting's form as saved. The open pages follow by the room's push."""
    form = await read_form(request)
    event, room = await room_of_request(request)
    on = bool(field(form, "applause_via_stream"))

    async def act() -> str:
        await services(request).events.update_room(event, room.id, {"applause_via_stream": on})
        return translate(request_lang(request), STREAM_ON if on else STREAM_OFF)

    def form_region(lang: Lang, state: RoomState) -> str:
        return render(lang, "fragments/applause_stream.html", event=state.event, room=state.room)

    return await moderation_answer(request, event, room, act(), form_region)


# --- rooms (the organiser's; room links: live/web/links.py) --------------------------------


async def add_room(request: Request) -> Response:
    form = await read_form(request)
    svc = services(request)
    event = await organiser_event(request)
    room = await svc.events.add_room(event, field(form, "name"))
    return redirect(f"/e/{event.code}/moderate?room={room.id}")
