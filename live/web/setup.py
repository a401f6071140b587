"""The organiser's setup page, /e/{code}/setup: title and days, rooms (names, several open polls
or one), the agenda and prepared polls. The setup file's download and import are in
setup_file.py, the brand (colour and logo) in setup_brand.py.

Organiser only (the event's moderator token, as on the moderation page). Plain forms: each
posts, then redirects back (303) with a short notice; an error renders the page again with the
message next to the field (422) and changes nothing. Only the "Öffnen" button of a prepared poll
is also an htmx action (it answers with that item's poll list and an announcement).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from live.domain.blocklist import MAX_ENTRY_LEN, check_entry, default_entries
from live.domain.brand import DEFAULT_ACCENT, MAX_LOGO_BYTES
from live.domain.errors import DomainError
from live.domain.models import AgendaItem, Event, Poll
from live.domain.polls import published
from live.domain.setup import Problems, event_day_list
from live.domain.surveys import TEMPLATES as survey_templates
from live.domain.text import _n
from live.errors import Forbidden, Unauthorized
from live.i18n import translate
from live.views.program import TimeFormat, by_day
from live.web.access import organiser_event
from live.web.errors import error_text, status_for
from live.web.forms import FieldErrors, field, read_form
from live.web.identity import request_lang
from live.web.moderator import login_page
from live.web.responses import announce, fragment, is_htmx, page, redirect
from live.web.runtime import runtime

ITEM_FIELDS = ("title", "room_id", "day", "start", "end", "speaker")
# The page's forms with errors of their own (each room's rename form too, as "room:<id>").
FORMS = ("event", "room_new", "item", "import", "brand", "blocklist")

NOTICES = {
    "event": _n("Titel und Tage sind gespeichert."),
    "room_added": _n("Der Raum wurde angelegt."),
    "room_renamed": _n("Der Raum wurde umbenannt."),
    "room_parallel": _n(
        "In diesem Raum können jetzt mehrere Abstimmungen gleichzeitig offen sein."
    ),
    "room_single": _n("In diesem Raum schließt das Öffnen einer Abstimmung jetzt die offene."),
    "survey_created": _n(
        "Die Umfrage ist angelegt. Öffnen Sie sie im Leitstand des Raums, wenn es so weit ist."
    ),
    "item_added": _n("Der Programmpunkt wurde angelegt."),
    "item_saved": _n("Der Programmpunkt wurde gespeichert."),
    "item_deleted": _n("Der Programmpunkt wurde gelöscht."),
    "poll_opened": _n("Die Abstimmung ist geöffnet."),
    "brand": _n("Das Erscheinungsbild ist gespeichert."),
    "blocklist_on": _n("Die mitgelieferte Sperrliste ist eingeschaltet."),
    "blocklist_off": _n("Die mitgelieferte Sperrliste ist ausgeschaltet."),
    "blocklist_added": _n("Die Sperrliste ist gespeichert."),
    "blocklist_taken_off": _n("Das Wort steht nicht mehr auf der Sperrliste."),
    "join_code_on": _n("Neue Teilnehmende brauchen jetzt den Code von der Leinwand."),
    "join_code_off": _n("Zum Beitreten ist jetzt kein Code von der Leinwand mehr nötig."),
    "logo_removed": _n("Das Logo wurde entfernt."),
}
# The notice after an import (setup_file.py redirects with the counts in ?n=).
IMPORTED = _n(
    "Import abgeschlossen. Neu angelegt – Räume: %(rooms)d, Programmpunkte: %(items)d, "
    "Abstimmungen: %(polls)d. Schon vorhanden (nicht doppelt angelegt) – Programmpunkte: "
    "%(kept_items)d, Abstimmungen: %(kept_polls)d."
)


def back_to_setup(event: Event, done: str, anchor: str = "", **params: str) -> Response:
    query = urlencode({"done": done, **params})
    return redirect(f"/e/{event.code}/setup?{query}{'#' + anchor if anchor else ''}")


# --- the page ------------------------------------------------------------------------------


def _notice(request: Request) -> str | None:
    lang = request_lang(request)
    done = request.query_params.get("done", "")
    if done in NOTICES:
        return translate(lang, NOTICES[done])
    if done == "imported":
        parts = request.query_params.get("n", "").split("-")
        if len(parts) == 5 and all(p.isdigit() and len(p) < 6 for p in parts):
            keys = ("rooms", "items", "polls", "kept_items", "kept_polls")
            return translate(lang, IMPORTED, {k: int(v) for k, v in zip(keys, parts, strict=True)})
    return None


async def setup_page(
    request: Request,
    event: Event,
    status: int = 200,
    *,
    errors: dict[str, FieldErrors] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    import_problems: list[str] | None = None,
) -> Response:
    rt = runtime(request)
    lang = request_lang(request)
    times = TimeFormat(rt.settings.zone, lang)
    rooms = await rt.services.events.rooms(event)
    agenda = await rt.services.program.agenda(event)
    polls = await rt.services.polls.of_rooms(rooms)
    surveys = await rt.services.surveys.surveys(event)
    errors = errors or {}
    values = values or {}
    days = event_day_list(event)
    event_values = {
        "title": event.title,
        "starts_on": event.starts_on.isoformat() if event.starts_on else "",
        "ends_on": event.ends_on.isoformat() if event.ends_on else "",
    }
    new_item = {
        "title": "",
        "room_id": rooms[0].id if rooms else "",
        "day": days[0].isoformat() if days else "",
        "start": "",
        "end": "",
        "speaker": "",
    }
    return page(
        request,
        "setup.html",
        status,
        event=event,
        rooms=rooms,
        room_names={r.id: r.name for r in rooms},
        surveys=surveys,
        survey_templates=survey_templates,
        days=by_day(agenda, times),
        event_days=days,
        polls_of=rt.services.program.by_item(polls),
        loose_polls=_loose(polls, agenda),
        times=times,
        zone_name=rt.settings.timezone,
        notice=_notice(request),
        errors={k: errors.get(k, FieldErrors()) for k in FORMS},
        room_errors={k: v for k, v in errors.items() if k.startswith("room:")},
        values={
            "event": values.get("event", event_values),
            "room_new": values.get("room_new", {"name": ""}),
            "item": values.get("item", new_item),
            "import": values.get("import", {"text": ""}),
            "brand": values.get("brand", {"brand_color": event.brand_color or ""}),
            "blocklist": values.get("blocklist", {"entry": ""}),
            **{k: v for k, v in values.items() if k.startswith("room:")},
        },
        import_problems=import_problems or [],
        default_accent=DEFAULT_ACCENT,
        brand_picker=event.brand_color or DEFAULT_ACCENT,
        max_logo_kib=MAX_LOGO_BYTES // 1024,
        blocklist_still_on=_default_still_on(event),
        blocklist_limits={"entry_length": MAX_ENTRY_LEN},
    )


def _default_still_on(event: Event) -> list[str]:
    """The shipped entries the event has not switched off, as the file writes them."""
    off = {check_entry(e).key for e in event.blocklist_removed}
    return [e.shown for e in default_entries() if e.key not in off]


def _loose(polls: list[Poll], agenda: list[AgendaItem]) -> list[Poll]:
    """Prepared polls of no agenda item (drafts only: the others are live polls, shown on the
    moderation page)."""
    item_ids = {i.id for i in agenda}
    return [p for p in polls if not published(p) and p.agenda_item_id not in item_ids]


async def setup(request: Request) -> Response:
    event = await runtime(request).services.events.event(request.path_params["code"])
    if event.code != request.path_params["code"]:
        return redirect(f"/e/{event.code}/setup")
    try:
        await organiser_event(request)
    except (Unauthorized, Forbidden) as exc:
        return login_page(request, event, exc)
    return await setup_page(request, event)


def field_errors(request: Request, exc: DomainError, default: str) -> FieldErrors:
    if isinstance(exc, Problems):
        return FieldErrors({k: error_text(request, v) for k, v in exc.problems.items()})
    return FieldErrors({default: error_text(request, exc)})


# --- title and days ------------------------------------------------------------------------


async def save_event(request: Request) -> Response:
    form = await read_form(request)
    event = await organiser_event(request)
    values = {k: field(form, k) for k in ("title", "starts_on", "ends_on")}
    try:
        await runtime(request).services.program.update_event(event, **values)
    except DomainError as exc:
        errors = {"event": field_errors(request, exc, "title")}
        return await setup_page(
            request, event, status_for(exc), errors=errors, values={"event": values}
        )
    return back_to_setup(event, "event", "event")


async def save_join_code(request: Request) -> Response:
    """The checkbox "Beitritt nur mit dem Code von der Leinwand" (a ticked box is sent, an
    unticked one is not)."""
    form = await read_form(request)
    event = await organiser_event(request)
    required = bool(field(form, "join_code_required"))
    await runtime(request).services.events.require_join_code(event, required)
    return back_to_setup(event, "join_code_on" if required else "join_code_off", "access")


# --- rooms ---------------------------------------------------------------------------------


async def add_room(request: Request) -> Response:
    form = await read_form(request)
    event = await organiser_event(request)
    name = field(form, "name")
    try:
        await runtime(request).services.events.add_room(event, name)
    except DomainError as exc:
        errors = {"room_new": FieldErrors({"name": error_text(request, exc)})}
        return await setup_page(
            request, event, status_for(exc), errors=errors, values={"room_new": {"name": name}}
        )
    return back_to_setup(event, "room_added", "rooms")


async def rename_room(request: Request) -> Response:
    form = await read_form(request)
    event = await organiser_event(request)
    room_id = request.path_params["room_id"]
    name = field(form, "name")
    try:
        room = await runtime(request).services.events.rename_room(event, room_id, name)
    except DomainError as exc:
        if exc.code == "room_not_found":
            raise
        key = f"room:{room_id}"
        errors = {key: FieldErrors({"name": error_text(request, exc)})}
        return await setup_page(
            request, event, status_for(exc), errors=errors, values={key: {"name": name}}
        )
    return back_to_setup(event, "room_renamed", f"room-{room.id}")


async def room_polls(request: Request) -> Response:
    """The room's checkbox "Mehrere Abstimmungen gleichzeitig erlauben" (a form of its own: a
    ticked box is sent, an unticked one is not)."""
    form = await read_form(request)
    event = await organiser_event(request)
    allowed = bool(field(form, "parallel_polls"))
    room = await runtime(request).services.events.update_room(
        event, request.path_params["room_id"], {"parallel_polls": allowed}
    )
    return back_to_setup(event, "room_parallel" if allowed else "room_single", f"room-{room.id}")


# --- agenda --------------------------------------------------------------------------------


def _item_values(form: FormData) -> dict[str, str]:
    return {k: field(form, k) for k in ITEM_FIELDS}


def _item_errors(request: Request, exc: DomainError) -> FieldErrors:
    errors = field_errors(request, exc, "title")
    if "room" in errors:
        errors["room_id"] = errors.pop("room")
    return errors


async def add_item(request: Request) -> Response:
    form = await read_form(request)
    event = await organiser_event(request)
    values = _item_values(form)
    try:
        item = await runtime(request).services.program.add_item(event, **values)
    except DomainError as exc:
        errors = {"item": _item_errors(request, exc)}
        return await setup_page(
            request, event, status_for(exc), errors=errors, values={"item": values}
        )
    return back_to_setup(event, "item_added", f"item-{item.id}")


def _form_values(item: AgendaItem, times: TimeFormat) -> dict[str, str]:
    return {
        "title": item.title,
        "room_id": item.room_id,
        "day": times.iso_day(item.starts_at),
        "start": times.hm(item.starts_at),
        "end": times.hm(item.ends_at),
        "speaker": item.speaker or "",
    }


async def edit_item(request: Request) -> Response:
    """GET: the item's form; POST: save it."""
    rt = runtime(request)
    if request.method == "POST":
        form = await read_form(request)
    event = await organiser_event(request)
    item = await rt.services.program.item(event, request.path_params["item_id"])
    times = TimeFormat(rt.settings.zone, request_lang(request))
    errors = FieldErrors()
    status = 200
    values = _form_values(item, times)
    if request.method == "POST":
        values = _item_values(form)
        try:
            await rt.services.program.update_item(event, item.id, **values)
        except DomainError as exc:
            if exc.code == "agenda_item_not_found":
                raise
            errors, status = _item_errors(request, exc), status_for(exc)
        else:
            return back_to_setup(event, "item_saved", f"item-{item.id}")
    return page(
        request,
        "setup_item.html",
        status,
        event=event,
        item=item,
        rooms=await rt.services.events.rooms(event),
        event_days=event_day_list(event),
        errors=errors,
        values=values,
    )


async def delete_item(request: Request) -> Response:
    await read_form(request)
    event = await organiser_event(request)
    await runtime(request).services.program.delete_item(event, request.path_params["item_id"])
    return back_to_setup(event, "item_deleted", "program")


# --- prepared polls ------------------------------------------------------------------------


async def open_poll(request: Request) -> Response:
    """The one-click "Öffnen" of a prepared poll (the moderation page's open action)."""
    await read_form(request)
    event = await organiser_event(request)
    svc = runtime(request).services
    poll = await svc.polls.open(event, request.path_params["poll_id"])
    anchor = f"item-{poll.agenda_item_id}" if poll.agenda_item_id else "prepared"
    if not is_htmx(request):
        return back_to_setup(event, "poll_opened", anchor)
    lang = request_lang(request)
    rooms = await svc.events.rooms(event)
    every = await svc.polls.of_rooms(rooms)
    if poll.agenda_item_id is not None:
        polls = [p for p in every if p.agenda_item_id == poll.agenda_item_id]
    else:
        polls = _loose(every, await svc.program.agenda(event))
    html = fragment(
        request,
        "fragments/setup_polls.html",
        event=event,
        list_id=f"polls-{poll.agenda_item_id or 'loose'}",
        polls=polls,
        room_names={r.id: r.name for r in rooms},
        show_room=poll.agenda_item_id is None,
    )
    message = translate(lang, _n("Die Abstimmung „%(question)s“ ist geöffnet."))
    html += announce(request, message % {"question": poll.question})
    return HTMLResponse(html)
