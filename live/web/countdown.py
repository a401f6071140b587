"""A room's countdown: the console's form posts and the JSON interface's calls (issue 24,
item 8). Both go through live/service/countdown.py; bad input is a DomainError (a German
message on the page, the JSON error shape in the API) and changes nothing."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from live.domain import countdown as rules
from live.domain.errors import DomainError
from live.domain.models import Countdown, Event, Room
from live.domain.text import _n
from live.fanout.state import RoomState
from live.i18n import Lang, translate
from live.service.countdown import CountdownService
from live.views.api import iso
from live.views.countdown import countdown_dict, moderator_countdown_html
from live.web.access import moderated_event
from live.web.forms import field, parse_json, read_body, read_form
from live.web.identity import request_lang
from live.web.moderator import moderation_answer, room_of_request
from live.web.responses import json_response
from live.web.runtime import services

STARTED = _n("Countdown gestartet: %(time)s.")
MESSAGES = {
    "stop": _n("Countdown beendet."),
    "add": _n("Eine Minute mehr."),
    "pause": _n("Countdown angehalten."),
    "resume": _n("Countdown läuft weiter."),
}


def _invalid_action() -> DomainError:
    return DomainError("invalid_countdown_action", _n("Diese Aktion gibt es nicht."))


def _form_label(choice: str, text: str) -> str:
    if choice == "custom":
        return text
    if choice in rules.PRESET_LABELS:
        return choice
    if choice == "":
        return text
    raise DomainError("invalid_countdown_label", _n("Diese Bezeichnung gibt es nicht."))


def _form_seconds(preset: str, duration: str) -> int:
    if preset:
        if not preset.isdigit():
            raise DomainError(
                "invalid_countdown",
                _n("Bitte geben Sie die Dauer als Minuten:Sekunden an, zum Beispiel 3:00."),
            )
        return rules.check_seconds(int(preset))
    return rules.parse_duration(duration)


async def _act(svc: CountdownService, room: Room, action: str) -> Countdown | None:
    if action == "stop":
        await svc.stop(room)
        return None
    if action == "add":
        return await svc.add(room)
    if action == "pause":
        return await svc.pause(room)
    if action == "resume":
        return await svc.resume(room)
    raise _invalid_action()


def _region(lang: Lang, state: RoomState) -> str:
    return moderator_countdown_html(lang, state)


async def console(request: Request) -> Response:
    """The console's form: ``action`` "start" (``preset`` seconds, else ``duration`` as
    "m:ss"; ``label_choice`` "Redezeit", "Pause" or "custom" with ``label``), "add", "pause",
    "resume" or "stop"."""
    form = await read_form(request)
    event, room = await room_of_request(request)
    svc = services(request).countdown
    lang = request_lang(request)

    async def act() -> str:
        action = field(form, "action") or "start"
        if action == "start":
            seconds = _form_seconds(field(form, "preset"), field(form, "duration"))
            label = _form_label(field(form, "label_choice"), field(form, "label"))
            await svc.start(room, seconds, label)
            return translate(lang, STARTED, {"time": rules.format_left(seconds)})
        await _act(svc, room, action)
        return translate(lang, MESSAGES[action])

    return await moderation_answer(request, event, room, act(), _region, "#countdown-title")


# --- the JSON interface ----------------------------------------------------------------------


async def _api_room(request: Request) -> tuple[Event, Room]:
    event, access = await moderated_event(request)
    room = await services(request).events.room(event, request.path_params["room_id"])
    access.require_room(room)
    return event, room


def _answer(room: Room, countdown: Countdown | None, request: Request) -> Response:
    now = services(request).clock.now()
    left = rules.left_ms(countdown, now) if countdown is not None else None
    return json_response(
        {
            "room_id": room.id,
            "countdown": countdown_dict(countdown),
            # At the moment of this answer, for clients that show it at once; pages count down
            # from ends_at instead.
            "left_ms": left,
            "server_time": iso(now),
        }
    )


async def api_start(request: Request) -> Response:
    """PUT …/rooms/{room_id}/countdown ``{"seconds": int, "label": str?}``: start (or restart)."""
    _, room = await _api_room(request)
    body = parse_json(await read_body(request))
    countdown = await services(request).countdown.start(
        room, rules.check_seconds(body.get("seconds")), body.get("label", "")
    )
    return _answer(room, countdown, request)


async def api_change(request: Request) -> Response:
    """PATCH …/countdown ``{"action": "add"|"pause"|"resume", "seconds": int?}`` ("add": 60
    seconds unless given)."""
    _, room = await _api_room(request)
    body = parse_json(await read_body(request))
    action = body.get("action")
    svc = services(request).countdown
    countdown: Countdown | None
    if action == "add" and "seconds" in body:
        countdown = await svc.add(room, rules.check_seconds(body.get("seconds")))
    elif action in ("add", "pause", "resume"):
        countdown = await _act(svc, room, str(action))
    else:
        raise _invalid_action()
    return _answer(room, countdown, request)


async def api_stop(request: Request) -> Response:
    """DELETE …/countdown: take it off every screen (also when there is none)."""
    _, room = await _api_room(request)
    await services(request).countdown.stop(room)
    return _answer(room, None, request)
