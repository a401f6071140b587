"""The OpenAPI 3.1 description of the HTTP API, served at ``GET /api/v1/openapi.json``.

Written as data: one row per operation (``OPERATIONS``), the shapes in live/web/api_schemas.py,
the room socket's messages in live/web/socket_schemas.py (OpenAPI has no WebSockets: they sit
in ``components.schemas`` and the extension ``x-live-socket`` names the socket's URL). A test
(tests/web/test_openapi.py) keeps the rows in step with the routes table (live/web/routes.py)
in both directions, and fuzzes every operation with schemathesis against the description.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from starlette.requests import Request
from starlette.responses import Response

from live.domain import qa_paging
from live.web import api_schemas, socket_schemas
from live.web.api_schemas import COUNT, Schema, ref

PREFIX = "/api/v1"
SOCKET_PATH = f"{PREFIX}/events/{{code}}/rooms/{{room_id}}/ws"

# Who may call: none; the admin token if the instance sets one; the organiser's token; the
# organiser's or that room's moderator token; anyone, a moderator sees more.
Auth = Literal["none", "admin", "organiser", "moderator", "reader"]

SECURITY: dict[Auth, list[dict[str, list[str]]]] = {
    "none": [],
    "admin": [{}, {"adminToken": []}],
    "organiser": [{"organiserToken": []}],
    "moderator": [{"organiserToken": []}, {"roomToken": []}],
    "reader": [{}, {"organiserToken": []}, {"roomToken": []}],
}

SECURITY_SCHEMES: dict[str, Schema] = {
    "adminToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "LIVE_ADMIN_TOKEN: creating events, only when the instance sets it.",
    },
    "organiserToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The event's moderator token (POST /events answers it once): every "
        "room and the event itself.",
    },
    "roomToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A room's moderator token (POST …/moderator-link): that room's polls, "
        "questions and projector only.",
    },
    "participantToken": {
        "type": "apiKey",
        "in": "query",
        "name": "token",
        "description": "POST …/join answers it; used on the room socket only (?token=).",
    },
}


@dataclass(frozen=True, slots=True)
class Operation:
    route: str  # "METHOD /path", the path below PREFIX (except /healthz)
    id: str
    auth: Auth
    answer: str  # "STATUS Schema", or "204" without a body
    summary: str
    body: str | None = None  # the request body's schema name; "logo": the raw image
    body_required: bool = True  # False: the call may come without a body
    errors: tuple[int, ...] = ()  # besides what the path, the auth and a body bring
    query: tuple[Schema, ...] = ()  # query parameters besides ?lang
    headers: tuple[tuple[str, Schema], ...] = ()  # of the success answer

    @property
    def method(self) -> str:
        return self.route.split()[0].lower()

    @property
    def path(self) -> str:
        path = self.route.split()[1]
        return path if path == "/healthz" else PREFIX + path


# Q&A paging (live/web/api.py list_questions; live/domain/qa_paging.py).
PAGING: tuple[Schema, ...] = (
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": f"questions per page (default {qa_paging.DEFAULT_LIMIT})",
        "schema": {"type": "integer", "minimum": 1, "maximum": qa_paging.MAX_LIMIT},
    },
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "description": "the X-Next-Cursor of the page before (opaque)",
        "schema": {"type": "string"},
    },
    {
        "name": "label",
        "in": "query",
        "required": False,
        "description": "only questions with this label, one of the event's question_labels "
        "(else 400 invalid_label); cursors stay valid with it",
        "schema": {"type": "string"},
    },
)
TEXT: Schema = {"type": "string"}
PAGE_HEADERS: tuple[tuple[str, Schema], ...] = (
    (
        "X-Next-Cursor",
        {"description": "the next page's cursor; absent on the last", "schema": TEXT},
    ),
    ("X-Total-Count", {"description": "questions the caller may see in all", "schema": COUNT}),
    (
        "Link",
        {"description": 'the next page\'s URL, rel="next"; absent on the last', "schema": TEXT},
    ),
)

# fmt: off
E, R, P = "/events/{code}", "/events/{code}/rooms/{room_id}", "/events/{code}/polls/{poll_id}"
S = "/events/{code}/surveys/{survey_id}"

OPERATIONS: tuple[Operation, ...] = (
    # 503 with the same shape when the store or the hub does not answer
    Operation("GET /healthz", "health", "none", "200 Health", "Store and hub answer"),
    Operation("GET /openapi.json", "openapi", "none", "200 OpenApi", "This description"),
    # 429: failed admin tokens may be throttled per address (issue 21)
    Operation(
        "POST /events", "createEvent", "admin", "201 CreatedEvent", "Create an event",
        body="CreateEventBody", errors=(429,),
    ),
    Operation(f"GET {E}", "getEvent", "none", "200 Event", "The event and its rooms"),
    Operation(
        f"PATCH {E}", "patchEvent", "organiser", "200 Event",
        "Set the brand colour, require the projector's join code",
        body="PatchEventBody",
    ),
    Operation(
        f"GET {E}/blocklist", "getBlocklist", "organiser", "200 Blocklist",
        "The event's blocklist",
    ),
    Operation(
        f"PATCH {E}/blocklist", "patchBlocklist", "organiser", "200 Blocklist",
        "Switch the shipped blocklist on or off", body="PatchBlocklistBody",
    ),
    Operation(
        f"POST {E}/blocklist/entries", "blockEntry", "organiser", "200 Blocklist",
        "Put a word on the event's blocklist, or take it off", body="BlockEntryBody",
    ),
    Operation(f"DELETE {E}", "deleteEvent", "organiser", "204", "Delete the event, all of it"),
    Operation(
        f"PUT {E}/logo", "putLogo", "organiser", "200 Brand", "Upload the logo (PNG or SVG)",
        body="logo",
    ),
    Operation(f"DELETE {E}/logo", "deleteLogo", "organiser", "204", "Remove the logo"),
    # 403: the event may require the projector's join code; 429: new identities are budgeted
    # per client address (both issue 21)
    Operation(
        f"POST {E}/join", "join", "none", "201 Participant", "Become an anonymous participant",
        body="JoinBody", body_required=False, errors=(403, 429),
    ),
    Operation(
        f"POST {E}/rooms", "addRoom", "organiser", "201 Room", "Add a room", body="AddRoomBody"
    ),
    Operation(
        f"PATCH {R}", "patchRoom", "moderator", "200 Room", "Change a room (name: organiser)",
        body="PatchRoomBody",
    ),
    Operation(
        f"POST {R}/moderator-link", "createRoomLink", "organiser", "201 RoomLink",
        "Create or renew the room's moderator token",
    ),
    Operation(
        f"DELETE {R}/moderator-link", "revokeRoomLink", "organiser", "204",
        "Revoke the room's moderator token",
    ),
    Operation(
        f"POST {R}/polls", "createPoll", "moderator", "201 Poll", "Create a poll (a draft)",
        body="CreatePollBody",
    ),
    Operation(
        f"POST {R}/polls/next", "openNextPoll", "moderator", "200 Poll",
        "Open the room's next prepared poll", errors=(409,),
    ),
    Operation(
        f"PUT {R}/screen", "setScreen", "moderator", "200 Screen", "Switch the projector",
        body="SetScreenBody", errors=(409,),
    ),
    Operation(
        f"PUT {R}/countdown", "startCountdown", "moderator", "200 CountdownAnswer",
        "Start (or restart) the room's countdown", body="StartCountdownBody",
    ),
    Operation(
        f"PATCH {R}/countdown", "changeCountdown", "moderator", "200 CountdownAnswer",
        "More time, pause or resume the room's countdown", body="ChangeCountdownBody",
        errors=(409,),
    ),
    Operation(
        f"DELETE {R}/countdown", "stopCountdown", "moderator", "200 CountdownAnswer",
        "Take the room's countdown off every screen",
    ),
    Operation(
        f"PUT {R}/forum-results", "setForumResults", "moderator", "200 ForumSetting",
        "Whether the room is a column of the forums' results (organiser) and its source",
        body="SetForumBody",
    ),
    Operation(
        f"GET {E}/forum-results", "getForumResults", "reader", "200 ForumResults",
        "Every forum's column of the forums' results, and every room's settings",
    ),
    Operation(
        f"GET {R}/questions", "listQuestions", "reader", "200 QuestionList",
        "One page of the room's questions (moderators: every state)",
        errors=(400,), query=PAGING, headers=PAGE_HEADERS,
    ),
    # self-paced surveys (issue 24): their questions are polls, voted with the vote message
    Operation(
        f"POST {R}/surveys", "createSurvey", "moderator", "201 Survey",
        "Create a survey (a draft) from questions or a template", body="CreateSurveyBody",
    ),
    Operation(
        f"GET {R}/surveys", "listSurveys", "reader", "200 SurveyList",
        "The room's surveys (moderators: drafts too)",
    ),
    Operation(f"GET {S}", "getSurvey", "reader", "200 Survey", "A survey with its questions"),
    Operation(
        f"PATCH {S}", "patchSurvey", "moderator", "200 Survey", "Rename, open or close a survey",
        body="PatchSurveyBody", errors=(409,),
    ),
    Operation(f"POST {S}/open", "openSurvey", "moderator", "200 Survey", "Open every question"),
    Operation(
        f"POST {S}/close", "closeSurvey", "moderator", "200 Survey", "Close every question",
        errors=(409,),
    ),
    Operation(f"GET {P}", "getPoll", "reader", "200 Poll", "A poll (moderators: drafts too)"),
    Operation(
        f"PATCH {P}", "patchPoll", "moderator", "200 Poll",
        "Change the results settings, or who may vote",
        body="PatchPollBody",
    ),
    Operation(f"POST {P}/open", "openPoll", "moderator", "200 Poll", "Open a poll"),
    Operation(f"POST {P}/close", "closePoll", "moderator", "200 Poll", "Close", errors=(409,)),
    Operation(
        f"POST {P}/hidden-words", "hideWord", "moderator", "200 Poll",
        "Hide a word of a word cloud, or show it again", body="HideWordBody",
    ),
    Operation(
        f"POST {P}/hidden-answers", "hideAnswer", "moderator", "200 Poll",
        "Hide an answer of a word cloud, or show it again", body="HideAnswerBody",
    ),
    Operation(
        f"PATCH {E}/questions/{{question_id}}", "patchQuestion", "moderator", "200 Question",
        "Moderate a question", body="PatchQuestionBody",
    ),
    Operation(
        f"POST {E}/questions/{{question_id}}/merge", "mergeQuestion", "moderator",
        "200 Question", "Merge a duplicate into this question (upvotes add up)",
        body="MergeQuestionBody",
    ),
    Operation(
        f"POST {E}/questions/{{question_id}}/split", "splitQuestion", "moderator",
        "200 Question", "Take back the merge of this duplicate (it keeps its own upvoters)",
    ),
    Operation(
        f"GET {R}/ideas", "listIdeas", "reader", "200 IdeaList",
        "The room's idea board, marked ideas first (moderators: every state, always)",
    ),
    Operation(
        f"PATCH {E}/ideas/{{idea_id}}", "patchIdea", "moderator", "200 Idea",
        "Approve, hide, mark or unmark an idea", body="PatchIdeaBody", errors=(409,),
    ),
    Operation(
        f"GET {E}/export.json", "exportEvent", "organiser", "200 Export",
        "Everything the event holds",
    ),
    Operation(f"GET {E}/setup", "getSetup", "organiser", "200 Setup", "The setup document"),
    Operation(
        f"PUT {E}/setup", "putSetup", "organiser", "200 SetupImported",
        "Add a setup document to the event", body="SetupBody",
    ),
)
# fmt: on


def _error(description: str, **extra: Any) -> Schema:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
        **extra,
    }


ERRORS: dict[int, Schema] = {
    400: _error(
        "`invalid_json` (not JSON) or `invalid_body` (not an object; unknown fields); paging: "
        "`invalid_limit`, `invalid_cursor`; the question list's filter: `invalid_label`"
    ),
    401: _error(
        "`unauthorized`: no token",
        headers={"WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}},
    ),
    403: _error(
        "`forbidden`: a token that is nobody's, or another room's (join: `join_code_required`, "
        "`join_code_wrong`)"
    ),
    404: _error(
        "`event_not_found`, `room_not_found`, `poll_not_found`, `question_not_found`, `not_found`"
    ),
    409: _error("conflicts with the poll's state: `poll_not_open`, `poll_closed`, `no_next_poll`"),
    413: _error("`too_large`: the body is over its limit (a logo: `logo_too_large`)"),
    422: _error("invalid input: the codes of each call are in docs/api.md"),
    429: _error("too many attempts from this address, e.g. `too_many_joins`: retry later"),
    503: _error("`unavailable`: the store or hub does not answer; safe to retry"),
}

LANG: Schema = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "language of error messages (German by default)",
    "schema": {"type": "string", "enum": ["de", "en"]},
}

LOGO_TYPES = ("image/png", "image/svg+xml")


def _path_parameters(path: str) -> list[Schema]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", path)
    ]


def _statuses(op: Operation) -> list[int]:
    statuses = set(op.errors)
    if "{" in op.path:
        statuses.add(404)
    if op.auth in {"admin", "organiser", "moderator"}:
        statuses |= {401, 403}
    if op.body is not None:
        statuses |= {400, 413, 422}
    if op.id != "openapi":
        statuses.add(503)
    return sorted(statuses)


def _operation(op: Operation) -> Schema:
    ok_status, _, answer = op.answer.partition(" ")
    ok: Schema = {"description": op.summary}
    if op.headers:
        ok["headers"] = dict(op.headers)
    if answer:
        ok["content"] = {"application/json": {"schema": ref(answer)}}
    spec: Schema = {
        "operationId": op.id,
        "summary": op.summary,
        "security": SECURITY[op.auth],
        "parameters": [*_path_parameters(op.path), *op.query, LANG],
        "responses": {
            ok_status: ok,
            **{str(status): ref_response(status) for status in _statuses(op)},
        },
    }
    if op.id == "health":  # not the error shape: the probe's own answer, for operators
        spec["responses"]["503"] = {**ok, "description": "Store or hub unavailable"}
    if op.body == "logo":
        spec["requestBody"] = {
            "required": True,
            "content": {
                media: {"schema": {"type": "string", "contentMediaType": media}}
                for media in LOGO_TYPES
            },
        }
    elif op.body is not None:
        spec["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": ref(op.body)}},
        }
    return spec


def ref_response(status: int) -> Schema:
    return {"$ref": f"#/components/responses/{status}"}


@functools.cache
def document() -> dict[str, Any]:
    """The description (built once; callers must not change it)."""
    paths: dict[str, dict[str, Schema]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "live",
            "version": "1",
            "description": (
                "The JSON API of live (interface version 1). Reference and examples: "
                "docs/api.md. Bodies are JSON objects whatever their Content-Type; every "
                'error is {"error": {"code", "message"}}. The room socket is described by '
                "x-live-socket and the Socket… schemas."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {
                **api_schemas.SCHEMAS,
                **socket_schemas.SCHEMAS,
                "OpenApi": {"type": "object", "required": ["openapi", "paths"]},
            },
            "responses": {str(status): spec for status, spec in ERRORS.items()},
            "securitySchemes": SECURITY_SCHEMES,
        },
        "x-live-socket": {
            "path": SOCKET_PATH,
            "query": {
                "token": "a participant token, a moderator token, or none (a viewer)",
                "lang": "de or en",
            },
            "security": [{}, {"participantToken": []}],
            "server-messages": ref("SocketServerMessage"),
            "client-messages": ref("SocketClientMessage"),
        },
    }


@functools.cache
def _document_bytes() -> bytes:
    return orjson.dumps(document())


async def serve(request: Request) -> Response:
    """Public; the same for every caller until the server is upgraded, so caches may keep it a
    while (and revalidate after that)."""
    return Response(
        _document_bytes(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=300"},
    )
