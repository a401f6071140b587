"""JSON Schemas of the room socket's messages (``/api/v1/events/{code}/rooms/{room_id}/ws``):
every message the server sends (live/views/regions.py builds the updates, live/web/sockets.py
the acks and errors) and every message a client may send.

They are published in the OpenAPI document (live/web/openapi.py) beside the HTTP shapes they
share (a poll, a question, a room: live/web/api_schemas.py), named ``Socket…``; docs/api.md
lists them. The socket tests check every frame they receive against ``ServerMessage``
(tests/support/socket_frames.py), so a change of what the server sends that is not made here
fails there.
"""

from __future__ import annotations

from live.domain.applause import MAX_GRADE, MIN_GRADE
from live.domain.ideas import MAX_IDEA_TEXT
from live.domain.mood import MAX_MOOD, MIN_MOOD
from live.domain.pace import SIGNALS as PACE_SIGNALS
from live.domain.pace import VALUES as PACE_VALUES
from live.web.api_schemas import (
    AVERAGE,
    CODE,
    COUNT,
    ID,
    LABELS,
    STRING,
    Schema,
    array,
    nullable,
    obj,
    ref,
)

VERSION: Schema = {"type": "integer", "minimum": 0, "description": "the room's version"}
REQUEST_ID: Schema = {"type": "string", "minLength": 1, "maxLength": 100}
MOOD_VALUES = MAX_MOOD - MIN_MOOD + 1  # counts per mood value, lowest first


def message(
    kind: str, required: dict[str, Schema], optional: dict[str, Schema] | None = None
) -> Schema:
    return obj({"type": {"const": kind}, **required}, optional)


def update(
    kind: str, required: dict[str, Schema], optional: dict[str, Schema] | None = None
) -> Schema:
    """A server message about the room's state: it carries the room's version."""
    return message(kind, {"version": VERSION, **required}, optional)


APPLAUSE: Schema = obj(
    {
        "level": {"type": "number", "minimum": 0, "maximum": 1},
        "clappers": COUNT,
        "present": COUNT,
    }
)

MOOD: Schema = obj(
    {
        "counts": {**array(COUNT), "minItems": MOOD_VALUES, "maxItems": MOOD_VALUES},
        "average": AVERAGE,
    }
)

PACE: Schema = obj(
    {
        "counts": obj({value: COUNT for value in PACE_SIGNALS}),
        "present": COUNT,
        "alerts": array({"type": "string", "enum": list(PACE_SIGNALS)}),
    }
)

# --- server to client -------------------------------------------------------------------------

SERVER: dict[str, Schema] = {
    "SocketApplause": APPLAUSE,
    "SocketMood": MOOD,
    "SocketPace": PACE,
    "SocketSnapshot": update(
        "snapshot",
        {
            "room": {"allOf": [ref("Room"), obj({"event": CODE}, {"question_labels": LABELS})]},
            "polls": array(ref("Poll")),
            "questions": array(ref("Question")),
            "applause": ref("SocketApplause"),
            "mood": ref("SocketMood"),
            # The room's countdown (issue 24), null while there is none.
            "countdown": nullable(ref("Countdown")),
            # Q&A at scale (issue 21): the snapshot may hold only the top of the list.
            "questions_total": COUNT,
            "questions_complete": {"type": "boolean"},
            # The idea board (issue 24): participants get its approved ideas while it is on,
            # moderators every idea.
            "ideas": array(ref("Idea")),
        },
        # Pace and technics feedback (issue 24): only in a moderator's snapshot.
        {"pace": ref("SocketPace")},
    ),
    "SocketPollUpdate": update("poll", {"poll": ref("Poll")}),
    "SocketQuestionsUpdate": update(
        "questions",
        # Q&A at scale (issue 21): only the changed questions, and the ids of removed ones;
        # ``complete`` true: the list is whole (replace what you hold).
        {
            "questions": array(ref("Question")),
            "removed": array(ID),
            "complete": {"type": "boolean"},
        },
    ),
    "SocketApplauseUpdate": {"allOf": [update("applause", {}), ref("SocketApplause")]},
    "SocketMoodUpdate": {"allOf": [update("mood", {}), ref("SocketMood")]},
    "SocketPaceUpdate": {"allOf": [update("pace", {}), ref("SocketPace")]},
    "SocketCountdownUpdate": update("countdown", {"countdown": nullable(ref("Countdown"))}),
    # The whole idea board (tens of ideas) whenever it changes; "open": Room.ideas_open.
    "SocketIdeasUpdate": update(
        "ideas", {"open": {"type": "boolean"}, "ideas": array(ref("Idea"))}
    ),
    "SocketAck": message("ack", {"request_id": REQUEST_ID}),
    "SocketError": message(
        "error",
        {"code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}, "message": STRING},
        # echoed when the message had one (even an invalid one, so a client can match it)
        {"request_id": {"type": ["string", "integer"]}},
    ),
}

# --- client to server -------------------------------------------------------------------------

CHOICE: Schema = {"type": "integer", "minimum": 0}

CLIENT: dict[str, Schema] = {
    "SocketVote": message(
        "vote",
        {"request_id": REQUEST_ID, "poll_id": ID},
        {
            "choices": {**array(CHOICE), "minItems": 1},  # single, multiple
            "value": {"type": "integer"},  # scale
            "text": STRING,  # text
            "texts": {**array(STRING), "minItems": 1},  # text, several answers
            # ranking: option indexes, best first (1..max_ranked of them, distinct)
            "ranking": {**array(CHOICE), "minItems": 1},
            # points: one whole number >= 0 per option, together 1..budget
            "points": {**array({"type": "integer", "minimum": 0}), "minItems": 1},
        },
    )
    | {
        "oneOf": [
            {"required": ["choices"]},
            {"required": ["value"]},
            {"required": ["text"]},
            {"required": ["texts"]},
            {"required": ["ranking"]},
            {"required": ["points"]},
        ]
    },
    "SocketAsk": message(
        "ask",
        {"request_id": REQUEST_ID, "text": {"type": "string", "minLength": 1}},
        {"name": {"type": ["string", "null"]}, "label": {"type": ["string", "null"]}},
    ),
    "SocketUpvote": message("upvote", {"request_id": REQUEST_ID, "question_id": ID}),
    "SocketUnvote": message("unvote", {"request_id": REQUEST_ID, "question_id": ID}),
    "SocketClap": message(
        "applause", {"grade": {"type": "integer", "minimum": MIN_GRADE, "maximum": MAX_GRADE}}
    ),
    "SocketSetMood": message(
        "mood",
        {
            "request_id": REQUEST_ID,
            "value": {"type": "integer", "minimum": MIN_MOOD, "maximum": MAX_MOOD},
        },
    ),
    # The idea board (issue 24): a new idea, an idea's upvote and its withdrawal.
    "SocketIdea": message(
        "idea",
        {
            "request_id": REQUEST_ID,
            "text": {"type": "string", "minLength": 1, "maxLength": MAX_IDEA_TEXT},
        },
    ),
    "SocketIdeaUpvote": message("idea_upvote", {"request_id": REQUEST_ID, "idea_id": ID}),
    "SocketIdeaUnvote": message("idea_unvote", {"request_id": REQUEST_ID, "idea_id": ID}),
    # Pace and technics feedback (live/domain/pace.py): "none" takes the signal back.
    "SocketSetPace": message(
        "pace",
        {"request_id": REQUEST_ID, "value": {"type": "string", "enum": list(PACE_VALUES)}},
    ),
}


def one_of(names: list[str]) -> Schema:
    return {"oneOf": [ref(name) for name in names]}


# Each message type the server sends, and its schema.
SERVER_TYPES = {
    "snapshot": "SocketSnapshot",
    "poll": "SocketPollUpdate",
    "questions": "SocketQuestionsUpdate",
    "applause": "SocketApplauseUpdate",
    "mood": "SocketMoodUpdate",
    "pace": "SocketPaceUpdate",
    "countdown": "SocketCountdownUpdate",
    "ideas": "SocketIdeasUpdate",
    "ack": "SocketAck",
    "error": "SocketError",
}

SCHEMAS: dict[str, Schema] = {
    **SERVER,
    **CLIENT,
    "SocketServerMessage": one_of(list(SERVER_TYPES.values())),
    "SocketClientMessage": one_of(list(CLIENT)),
}
