"""Browser pages and their htmx actions. Server-rendered; htmx swaps fragments by id.

Every action also works without JavaScript (plain form post, then a redirect back): htmx only
makes it smoother. Error texts are German by default and shown next to the field concerned.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from live.domain.codes import normalize_code
from live.domain.errors import DomainError
from live.domain.models import Event, Room
from live.domain.text import _n
from live.errors import Forbidden, NotFound, Unauthorized
from live.fanout.state import RoomState, load_room_state
from live.i18n import LANGUAGES, Lang, translate
from live.qr import qr_svg
from live.views.program import TimeFormat, agenda_choices, prefilled_poll_form
from live.views.regions import (
    applause_region,
    moderator_question_regions,
    moderator_regions,
    moderator_screen_region,
    mood_region,
    participant_items,
    participant_regions,
    screen_regions,
)
from live.views.screen import MODE_BUTTONS
from live.views.templating import render
from live.web.errors import page_error, read_body, status_for
from live.web.identity import (
    moderator_cookie,
    participant_cookie,
    remember_lang,
    request_lang,
    room_moderator_cookie,
    set_cookie,
)
from live.web.pages_program import program_context
from live.web.runtime import runtime
from live.web.security import base_url, origin_allowed

MAX_FORM_BYTES = 64 * 1024


class FieldErrors(dict[str, str]):
    """Error text per form field; a field without an error reads as empty in templates."""

    def __missing__(self, key: str) -> str:
        return ""


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def lang_urls(request: Request) -> list[tuple[str, str]]:
    """Links to this page in each language, keeping the other query parameters."""
    urls: list[tuple[str, str]] = []
    for code in LANGUAGES:
        params = [
            (k, v) for k, v in request.query_params.multi_items() if k not in {"lang", "token"}
        ]
        params.append(("lang", code))
        urls.append((code, f"{request.url.path}?{urlencode(params)}"))
    return urls


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = request_lang(request)
    context.setdefault("lang_urls", lang_urls(request))
    response = HTMLResponse(render(lang, template, **context), status_code=status)
    remember_lang(request, response, runtime(request).settings)
    return response


def announce(request: Request, message: str, *, error: bool = False) -> str:
    """The out-of-band status message (#announcer, role="status") of an htmx answer."""
    return render(
        request_lang(request), "fragments/announce.html", message=message, error=error or None
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def error_text(request: Request, error: DomainError) -> str:
    return translate(request_lang(request), error.message, dict(error.params))


async def read_form(request: Request) -> FormData:
    """Form posts from our own pages only (Origin check against CSRF), and small ones."""
    if not origin_allowed(request, runtime(request).settings):
        raise Forbidden("forbidden_origin", _n("Diese Anfrage kommt nicht von dieser Seite."))
    await read_body(request, MAX_FORM_BYTES)  # size-capped, also for chunked uploads
    return await request.form(max_files=0, max_fields=50)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def _state(request: Request, room: Room, participant_id: str | None = None) -> RoomState:
    """The room as one request sees it; with a participant, including only its own ballots."""
    store = runtime(request).service.store
    return await load_room_state(store, room.id, None, False, None, ballots_of=participant_id)


def _join_links(request: Request, event: Event, rooms: list[Room]) -> dict[str, Any]:
    base = base_url(request, runtime(request).settings)
    participant = f"{base}/e/{event.code}"
    return {
        "participant_url": participant,
        "participant_qr": qr_svg(
            participant, translate(request_lang(request), _n("QR-Code zum Mitmachen"))
        ),
        "base_url": base,
        "screen_urls": [(r, f"{base}/e/{event.code}/screen?room={r.id}") for r in rooms],
    }


# --- landing -------------------------------------------------------------------------------


async def index(request: Request) -> Response:
    # After deleting an event the organiser lands here and is told it is done.
    deleted = request.query_params.get("deleted") == "1"
    return page(request, "index.html", **_index_context(request, deleted=deleted))


def _default_room(request: Request) -> str:
    return translate(request_lang(request), _n("Plenum"))


def _index_context(request: Request, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "needs_admin": bool(runtime(request).settings.admin_token),
        "errors": FieldErrors(),
        "values": {"title": "", "rooms": _default_room(request), "code": ""},
        "deleted": False,
    }
    context.update(extra)
    return context


async def create_event(request: Request) -> Response:
    form = await read_form(request)
    rt = runtime(request)
    values = {"title": _text(form, "title"), "rooms": _text(form, "rooms"), "code": ""}
    admin = rt.settings.admin_token
    if admin and _text(form, "admin_token") != admin:
        errors = FieldErrors(
            {
                "admin_token": translate(
                    request_lang(request), _n("Der Zugangsschlüssel stimmt nicht.")
                )
            }
        )
        return page(
            request, "index.html", 403, **_index_context(request, errors=errors, values=values)
        )
    rooms = [line for line in values["rooms"].splitlines() if line.strip()]
    try:
        created = await rt.service.create_event(values["title"], rooms or None)
    except DomainError as exc:
        field = "title" if exc.code.endswith("title") else "rooms"
        errors = FieldErrors({field: error_text(request, exc)})
        return page(
            request, "index.html", 422, **_index_context(request, errors=errors, values=values)
        )
    response = redirect(f"/e/{created.event.code}/moderate?created=1")
    set_cookie(
        response,
        moderator_cookie(created.event.code),
        created.moderator_token,
        rt.settings,
        same_site="strict",
    )
    return response


async def join(request: Request) -> Response:
    raw = request.query_params.get("code", "")
    code = normalize_code(raw)
    event = await runtime(request).service.store.get_event(code) if code else None
    if event is None:
        message = translate(
            request_lang(request),
            _n("Zu diesem Code gibt es keine Veranstaltung. Bitte prüfen Sie die Eingabe."),
        )
        values = {"title": "", "rooms": _default_room(request), "code": raw[:20]}
        return page(
            request,
            "index.html",
            404,
            **_index_context(request, errors=FieldErrors({"code": message}), values=values),
        )
    return redirect(f"/e/{event.code}")


# --- participant ---------------------------------------------------------------------------


async def _participant_id(request: Request, event: Event) -> tuple[str, str | None]:
    """The participant behind the cookie; a new anonymous one when there is none.
    Returns (participant_id, new_token_to_set_or_None)."""
    service = runtime(request).service
    token = request.cookies.get(participant_cookie(event.code))
    pid = await service.participant(event, token)
    if pid is not None:
        return pid, None
    pid, token = await service.join(event)
    return pid, token


def no_js_answer(
    request: Request, event: Event, new_token: str | None, error: str | None, status: int, back: str
) -> Response:
    """The answer to a plain form post (no htmx): the error page, or a redirect back."""
    response = page_error(request, status, error) if error is not None else redirect(back)
    _keep_participant(request, response, event, new_token)
    return response


def _keep_participant(
    request: Request, response: Response, event: Event, token: str | None
) -> None:
    if token is not None:
        set_cookie(response, participant_cookie(event.code), token, runtime(request).settings)


async def participant(request: Request) -> Response:
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    if event.code != request.path_params["code"]:
        return redirect(f"/e/{event.code}")  # normalised spelling (e.g. lower case typed)
    rooms = await service.rooms(event)
    room_id = request.query_params.get("room")
    if room_id is None and len(rooms) == 1:
        room_id = rooms[0].id
    if room_id is None:
        program = await program_context(request, event, rooms, None)
        return page(request, "rooms.html", event=event, rooms=rooms, room=None, **program)
    room = await service.room(event, room_id)
    pid, new_token = await _participant_id(request, event)
    state = await _state(request, room, pid)
    sort = request.query_params.get("sort", "votes")
    from live.web.pages_questions import qa_context  # the Q&A half of this page

    response = page(
        request,
        "participant.html",
        event=event,
        room=room,
        rooms=rooms,
        state=state,
        items=participant_items(state, pid),
        applause_html=_applause_html(request, state),
        mood_html=mood_region(request_lang(request), state).frame,
        my_mood=None,
        **await qa_context(request, state, pid, sort if sort in ("votes", "newest") else "votes"),
        **await program_context(request, event, rooms, room),
    )
    _keep_participant(request, response, event, new_token)
    return response


async def vote(request: Request) -> Response:
    form = await read_form(request)
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    poll = await service.poll(event, request.path_params["poll_id"])
    if poll.state == "draft":
        raise NotFound("poll_not_found", _n("Diese Abstimmung gibt es nicht."))
    room = await service.room(event, poll.room_id)
    pid, new_token = await _participant_id(request, event)
    lang = request_lang(request)
    kwargs: dict[str, Any] = {}
    if poll.kind == "single":
        kwargs["choices"] = [_as_int(_text(form, "choice"))]
    elif poll.kind == "multiple":
        kwargs["choices"] = [_as_int(v) for v in form.getlist("choices") if isinstance(v, str)]
    elif poll.kind == "scale":
        kwargs["value"] = _as_int(_text(form, "value"))
    else:
        kwargs["text"] = _text(form, "text")
    error: str | None = None
    status = 200
    try:
        await service.vote(event, pid, poll.id, **kwargs)
    except DomainError as exc:
        error, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return no_js_answer(
            request, event, new_token, error, status, f"/e/{event.code}?room={room.id}"
        )
    # htmx: answer with this participant's own view of the stage, plus an announcement.
    state = await _state(request, room, pid)
    stage = participant_regions(lang, state, pid)[0].frame
    message = error or translate(lang, _n("Ihre Stimme wurde gezählt."))
    html = stage + announce(request, message, error=error is not None)
    response = HTMLResponse(html, status_code=status)
    _keep_participant(request, response, event, new_token)
    return response


def _as_int(raw: str) -> object:
    try:
        return int(raw)
    except ValueError:
        return raw  # the domain rejects it with the proper message


# --- screen --------------------------------------------------------------------------------


async def screen(request: Request) -> Response:
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    rooms = await service.rooms(event)
    room_id = request.query_params.get("room") or rooms[0].id
    room = await service.room(event, room_id)
    state = await _state(request, room)
    return page(
        request,
        "screen.html",
        event=event,
        room=room,
        state=state,
        stage_html=screen_regions(request_lang(request), state)[0].frame,
        applause_html=_applause_html(request, state),
        mood_html=mood_region(request_lang(request), state).frame,
        my_mood=None,
        **_join_links(request, event, [room]),
    )


def _applause_html(request: Request, state: RoomState) -> str:
    """The applause region as the page's first render (the socket keeps it live)."""
    return applause_region(request_lang(request), state).frame


async def set_mood(request: Request) -> Response:
    form = await read_form(request)
    rt = runtime(request)
    event = await rt.service.event(request.path_params["code"])
    room = await rt.service.room(event, request.path_params["room_id"])
    pid, new_token = await _participant_id(request, event)
    raw = _text(form, "value")
    value: object = int(raw) if raw.isdigit() else raw
    lang = request_lang(request)
    error: str | None = None
    status = 200
    try:
        await rt.mood.set_mood(room, pid, value)
    except DomainError as exc:
        error, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return no_js_answer(
            request, event, new_token, error, status, f"/e/{event.code}?room={room.id}"
        )
    html = render(
        lang, "fragments/mood_input.html", event=event, room=room, my_mood=None if error else value
    )
    message = error or translate(lang, _n("Danke! Ihre Stimmung ist gespeichert."))
    html += announce(request, message, error=error is not None)
    response = HTMLResponse(html, status_code=status)
    _keep_participant(request, response, event, new_token)
    return response


async def overlay(request: Request) -> Response:
    """The stream overlay: transparent, the room's applause meter and sound (OBS, vMix)."""
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    rooms = await service.rooms(event)
    room = await service.room(event, request.query_params.get("room") or rooms[0].id)
    state = await _state(request, room)
    return page(
        request,
        "overlay.html",
        event=event,
        room=room,
        applause_html=_applause_html(request, state),
        mood_html=mood_region(request_lang(request), state).frame,
        my_mood=None,
    )


# --- moderator -----------------------------------------------------------------------------


async def _moderator_event(request: Request) -> Event:
    """The event, for the organiser only (event-wide powers: settings, rooms, room links,
    control room, setup, report)."""
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    token = request.cookies.get(moderator_cookie(event.code))
    service.check_moderator(event, token)
    return event


def room_token(request: Request, event: Event, room: Room) -> str | None:
    """The token this browser moderates ``room`` with: the organiser's cookie when it is
    valid, else the room's own cookie (from the room's secret link)."""
    service = runtime(request).service
    organiser = request.cookies.get(moderator_cookie(event.code))
    if service.is_moderator(event, organiser):
        return organiser
    return request.cookies.get(room_moderator_cookie(event.code, room.id)) or organiser


async def _any_moderator_event(request: Request) -> Event:
    """The event, when this browser holds some moderator cookie for it (401 otherwise). Which
    room it may moderate is checked once the room is known (``_check_room``)."""
    service = runtime(request).service
    event = await service.event(request.path_params["code"])
    if not request.cookies.get(moderator_cookie(event.code)) and not _holds_room_cookie(
        request, event
    ):
        service.check_moderator(event, None)  # raises Unauthorized
    return event


def _check_room(request: Request, event: Event, room: Room) -> None:
    """The organiser or this room's moderator (room links give only their room's powers):
    401 without any moderator cookie, 403 with one that is not for this room."""
    token = room_token(request, event, room)
    if token is None and _holds_room_cookie(request, event):
        raise Forbidden(
            "forbidden", _n("Dieser Moderationszugang gilt nur für einen anderen Raum.")
        )
    runtime(request).service.check_room_moderator(event, room, token)


def _holds_room_cookie(request: Request, event: Event) -> bool:
    prefix = room_moderator_cookie(event.code, "")
    return any(name.startswith(prefix) and value for name, value in request.cookies.items())


async def _moderated_room(request: Request, event: Event, rooms: list[Room]) -> Room:
    """The room the moderate page shows: any room (``?room=``, else the first) for the
    organiser; for a room moderator the room named, else the first one this browser holds a
    valid room link for. Unauthorized/Forbidden when there is none."""
    service = runtime(request).service
    wanted = request.query_params.get("room")
    if service.is_moderator(event, request.cookies.get(moderator_cookie(event.code))):
        return await service.room(event, wanted or rooms[0].id)
    held = {r.id: request.cookies.get(room_moderator_cookie(event.code, r.id)) for r in rooms}
    valid = [r for r in rooms if service.is_room_moderator(event, r, held[r.id])]
    for r in valid:
        if wanted is None or r.id == wanted:
            return r
    if valid:
        raise Forbidden(
            "forbidden", _n("Dieser Moderationszugang gilt nur für einen anderen Raum.")
        )
    token = request.cookies.get(moderator_cookie(event.code)) or next(
        (t for t in held.values() if t), None
    )
    service.check_moderator(event, token)  # no token: 401; a wrong one: 403
    raise Forbidden("forbidden", _n("Der Moderationszugang ist ungültig."))


async def moderate(request: Request) -> Response:
    rt = runtime(request)
    service = rt.service
    event = await service.event(request.path_params["code"])
    token = request.query_params.get("token")
    if token is not None:
        # The token arrives once in the link; keep it in a cookie and drop it from the address
        # bar (and so from the browser history and any screen share). A room link's token
        # goes into that room's own cookie and leads to that room, whatever ?room= says.
        scope = await service.moderator_scope(event, token)
        target = f"/e/{event.code}/moderate"
        room_param = scope.room_id or request.query_params.get("room")
        if room_param:
            target += "?" + urlencode({"room": room_param})
        name = (
            moderator_cookie(event.code)
            if scope.room_id is None
            else room_moderator_cookie(event.code, scope.room_id)
        )
        response: Response = redirect(target)
        set_cookie(response, name, token, rt.settings, same_site="strict")
        return response
    rooms = await service.rooms(event)
    try:
        room = await _moderated_room(request, event, rooms)
    except (Unauthorized, Forbidden) as exc:
        return page(
            request,
            "moderate_login.html",
            status_for(exc),
            event=event,
            message=error_text(request, exc),
        )
    organiser = service.is_moderator(event, request.cookies.get(moderator_cookie(event.code)))
    state = await _state(request, room)
    lang = request_lang(request)
    regions = moderator_regions(lang, state)
    extra: dict[str, Any] = {}
    if organiser:
        from live.web.pages_control import room_links_html  # organiser-only section

        extra["room_links_html"] = room_links_html(request, event, rooms)
    return page(
        request,
        "moderate.html",
        event=event,
        room=room,
        rooms=rooms if organiser else [room],
        organiser=organiser,
        state=state,
        screen_html=moderator_screen_region(lang, state).frame,
        mode_buttons=MODE_BUTTONS,
        polls_html=regions[0].frame,
        questions_html=moderator_question_regions(lang, state)[0].frame,
        applause_html=_applause_html(request, state),
        mood_html=mood_region(request_lang(request), state).frame,
        my_mood=None,
        created=request.query_params.get("created") == "1",
        moderator_url=(
            f"{base_url(request, rt.settings)}/e/{event.code}/moderate"
            f"?token={request.cookies.get(moderator_cookie(event.code), '')}"
            if organiser
            else ""
        ),
        errors=FieldErrors(),
        **await _poll_form_context(request, event, room, prefill=True),
        **extra,
        **_join_links(request, event, rooms if organiser else [room]),
    )


def _poll_form_defaults() -> dict[str, str]:
    return {
        "question": "",
        "kind": "single",
        "options": "",
        "scale_min": "1",
        "scale_max": "5",
        "visibility": "after_vote",
        "agenda_item_id": "",
    }


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
    items = [i for i in await rt.program.agenda(event) if i.room_id == room.id]
    if values is None:
        defaults = _poll_form_defaults()
        values = prefilled_poll_form(lang, defaults, request.query_params) if prefill else defaults
    return {"values": values, "agenda_items": agenda_choices(items, times)}


async def _mod_polls_response(
    request: Request, room: Room, message: str, status: int = 200
) -> Response:
    lang: Lang = request_lang(request)
    state = await _state(request, room)
    html = moderator_regions(lang, state)[0].frame + announce(request, message, error=status >= 400)
    return HTMLResponse(html, status_code=status)


async def mod_create_poll(request: Request) -> Response:
    form = await read_form(request)
    event = await _any_moderator_event(request)
    service = runtime(request).service
    room = await service.room(event, request.path_params["room_id"])
    _check_room(request, event, room)
    lang = request_lang(request)
    values = {k: _text(form, k) for k in _poll_form_defaults()}
    options = [line for line in values["options"].splitlines() if line.strip()]
    try:
        agenda = await runtime(request).program.item_for_poll(event, room, values["agenda_item_id"])
        poll = await service.create_poll(
            event,
            room,
            question=values["question"],
            kind=values["kind"],
            options=options,
            scale_min=_as_int(values["scale_min"]) if values["kind"] == "scale" else None,
            scale_max=_as_int(values["scale_max"]) if values["kind"] == "scale" else None,
            visibility=values["visibility"],
            agenda_item_id=agenda.id if agenda is not None else None,
        )
        if _text(form, "open_now"):
            await service.open_poll(event, poll.id)
    except DomainError as exc:
        field = {
            "empty_question": "question",
            "question_too_long": "question",
            "invalid_kind": "kind",
            "invalid_scale": "scale",
            "invalid_visibility": "visibility",
            "agenda_item_not_found": "agenda",
            "agenda_other_room": "agenda",
        }.get(exc.code, "options")
        errors = FieldErrors({field: error_text(request, exc)})
        if not is_htmx(request):
            return page_error(request, status_for(exc), errors[field])
        html = render(
            lang,
            "fragments/poll_form.html",
            event=event,
            room=room,
            errors=errors,
            **await _poll_form_context(request, event, room, values),
        )
        return HTMLResponse(html, status_code=status_for(exc))
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    state = await _state(request, room)
    html = render(
        lang,
        "fragments/poll_form.html",
        event=event,
        room=room,
        errors=FieldErrors(),
        # The agenda item stays chosen: several polls are often prepared for one item.
        **await _poll_form_context(
            request,
            event,
            room,
            {**_poll_form_defaults(), "agenda_item_id": values["agenda_item_id"]},
        ),
    )
    polls = moderator_regions(lang, state)[0].frame.replace(
        'id="mod-polls"', 'id="mod-polls" hx-swap-oob="true"', 1
    )
    html += polls + announce(request, translate(lang, _n("Die Abstimmung wurde angelegt.")))
    return HTMLResponse(html)


ACTIONS = {
    "open": _n("Die Abstimmung ist geöffnet."),
    "close": _n("Die Abstimmung ist beendet."),
    "screen": _n("Die Leinwand zeigt jetzt diese Abstimmung."),
    "visibility": _n("Die Sichtbarkeit der Ergebnisse wurde geändert."),
}


async def mod_poll_action(request: Request) -> Response:
    form = await read_form(request)
    event = await _any_moderator_event(request)
    service = runtime(request).service
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise NotFound("not_found", _n("Diese Seite gibt es nicht."))
    poll = await service.poll(event, request.path_params["poll_id"])
    room = await service.room(event, poll.room_id)
    _check_room(request, event, room)
    status = 200
    message = translate(request_lang(request), ACTIONS[action])
    try:
        if action == "open":
            await service.open_poll(event, poll.id)
        elif action == "close":
            await service.close_poll(event, poll.id)
        elif action == "screen":
            await service.show_on_screen(event, room, poll.id)
        else:
            await service.set_visibility(event, poll.id, _text(form, "visibility"))
    except DomainError as exc:
        if not is_htmx(request):
            raise
        message, status = error_text(request, exc), status_for(exc)
    if not is_htmx(request):
        return redirect(f"/e/{event.code}/moderate?room={room.id}")
    return await _mod_polls_response(request, room, message, status)


async def mod_screen(request: Request) -> Response:
    """What the room's projector shows (form field ``mode``, with ``poll`` for the modes
    "poll" and "words"); without a mode: the join code (the form from before the modes)."""
    form = await read_form(request)
    event = await _any_moderator_event(request)
    service = runtime(request).service
    room = await service.room(event, request.path_params["room_id"])
    _check_room(request, event, room)
    from live.web.pages_control import screen_mode_answer  # projector control

    return await screen_mode_answer(
        request, event, room, _text(form, "mode") or "join", _text(form, "poll") or None
    )


async def mod_add_room(request: Request) -> Response:
    form = await read_form(request)
    event = await _moderator_event(request)
    service = runtime(request).service
    try:
        room = await service.add_room(event, _text(form, "name"))
    except DomainError as exc:
        return page_error(request, status_for(exc), error_text(request, exc))
    return redirect(f"/e/{event.code}/moderate?room={room.id}")
