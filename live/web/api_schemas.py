"""JSON Schemas (Draft 2020-12, as OpenAPI 3.1 uses them) of what the HTTP API takes and
answers: the shapes of live/views/api.py and their neighbours, written as data.

They are the ``components.schemas`` of the OpenAPI document (live/web/openapi.py), which the
socket's message schemas (live/web/socket_schemas.py) share. Tests keep them honest: every
answer the fuzzer (tests/web/test_openapi.py) and the socket tests receive must match them.

Objects the server answers list what they always carry (``required``) but allow fields beyond
those: the interface grows additively (CONTRACT.md), and a client must ignore what it does not
know. Request bodies of the PATCH calls allow only their fields, as the server does.
Enumerations come from the domain's own types, so a new poll kind or state is one change.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from live.domain import blocklist
from live.domain import countdown as countdown_rules
from live.domain import ideas as idea_rules
from live.domain import labels as label_rules
from live.domain import polls as poll_rules
from live.domain import questions as qa_rules
from live.domain import surveys as survey_rules
from live.domain.agenda import MAX_ITEM_TITLE_LEN
from live.domain.codes import ALPHABET, CODE_LENGTH
from live.domain.models import (
    IdeaState,
    PollKind,
    PollState,
    QuestionState,
    ScreenMode,
    ScreenResults,
    SurveyState,
    Visibility,
)
from live.domain.poll_points import MAX_BUDGET
from live.domain.setup import MAX_ROOM_NAME_LEN, MAX_ROOMS, MAX_TITLE_LEN

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object with these fields (``required`` always present); more fields may follow."""
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


def closed(fields: dict[str, Schema], *, required: tuple[str, ...] = ()) -> Schema:
    """A request body of only these fields, at least one of them (the PATCH calls)."""
    return {
        "type": "object",
        "properties": fields,
        "required": list(required),
        "minProperties": 1,
        "additionalProperties": False,
    }


def enum(literal: Any) -> Schema:
    return {"type": "string", "enum": list(get_args(literal))}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STRING: Schema = {"type": "string"}
TEXT: Schema = {"type": "string", "minLength": 1}
ID: Schema = {"type": "string", "minLength": 1, "description": "opaque"}
TOKEN: Schema = {"type": "string", "minLength": 1, "description": "a secret, shown once"}
COUNT: Schema = {"type": "integer", "minimum": 0}
BOOL: Schema = {"type": "boolean"}
TIME: Schema = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$",
    "description": "ISO 8601 in UTC (Z); the fraction is left out when it is zero",
}
DAY: Schema = {"type": "string", "format": "date", "description": "a local date, YYYY-MM-DD"}
URL: Schema = {"type": "string", "minLength": 1}
CODE: Schema = {
    "type": "string",
    "pattern": f"^[{ALPHABET}]{{{CODE_LENGTH}}}$",
    "description": "canonical event code",
}
AVERAGE: Schema = nullable({"type": "number"})
TITLE_IN: Schema = {"type": "string", "minLength": 1, "maxLength": MAX_TITLE_LEN}
ROOM_NAME_IN: Schema = {"type": "string", "minLength": 1, "maxLength": MAX_ROOM_NAME_LEN}
SCALE_BOUND: Schema = {
    "type": "integer",
    "minimum": -poll_rules.SCALE_HIGHEST,
    "maximum": poll_rules.SCALE_HIGHEST,
}


# --- what the server answers ------------------------------------------------------------------

ERROR: Schema = obj(
    {
        "error": obj(
            {
                "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                "message": STRING,
            },
            {
                # invalid_setup: every problem of the file
                "details": array(
                    obj({"where": STRING, "code": STRING, "message": STRING}),
                ),
            },
        )
    }
)

# The label filter of the projector's Q&A (null: all questions); issue 24.
LABEL: Schema = {"type": "string", "minLength": 1, "maxLength": label_rules.MAX_LABEL_LEN}
LABELS: Schema = {"type": "array", "items": LABEL, "maxItems": label_rules.MAX_LABELS}

ROOM: Schema = obj(
    {
        "id": ID,
        "name": TEXT,
        "parallel_polls": BOOL,
        "applause_via_stream": BOOL,
        "screen_label": nullable(LABEL),
        # The room's idea board is on (issue 24).
        "ideas_open": BOOL,
    }
)

# An entry of an event's blocklist (live/domain/blocklist.py).
BLOCK_ENTRY: Schema = {"type": "string", "minLength": 1, "maxLength": blocklist.MAX_ENTRY_LEN}

BRAND: Schema = obj(
    {
        "color": nullable({"type": "string", "pattern": "^#[0-9a-f]{6}$"}),
        "logo": nullable(URL),
        "stylesheet": nullable(URL),
    }
)

EVENT: Schema = obj(
    {
        "code": CODE,
        "title": TEXT,
        "rooms": array(ref("Room")),
        "brand": ref("Brand"),
        # joining needs the projector's rotating code (JoinBody)
        "join_code_required": BOOL,
        "question_labels": LABELS,
    }
)

CREATED_EVENT: Schema = {
    "allOf": [
        ref("Event"),
        obj(
            {
                "moderator_token": TOKEN,
                "links": obj({"participant": URL, "screen": URL, "moderate": URL}),
            }
        ),
    ]
}

PARTICIPANT: Schema = obj({"participant_token": TOKEN})

ROOM_LINK: Schema = obj(
    {"room_id": ID, "moderator_token": TOKEN, "links": obj({"moderate": URL, "screen": URL})}
)

SCREEN: Schema = obj({"room_id": ID, "mode": enum(ScreenMode), "poll_id": nullable(ID)})

# A room's countdown (issue 24): running towards ends_at, or paused with left_ms left.
COUNTDOWN: Schema = obj(
    {
        "label": {"type": "string", "maxLength": countdown_rules.LABEL_MAX},
        "state": {"enum": ["running", "paused"]},
        "ends_at": nullable(TIME),
        "left_ms": nullable(COUNT),
    }
)
COUNTDOWN_ANSWER: Schema = obj(
    {
        "room_id": ID,
        "countdown": nullable(ref("Countdown")),
        "left_ms": nullable(COUNT),
        "server_time": TIME,
    }
)
SECONDS: Schema = {"type": "integer", "minimum": 1, "maximum": countdown_rules.MAX_SECONDS}

# „Ergebnisse aus den Foren“ (issue 24): a room's settings and each forum's column.
FORUM_SETTING: Schema = obj(
    {"room_id": ID, "shown": nullable(BOOL), "takes_part": BOOL, "poll_id": nullable(ID)}
)
FORUM_COLUMN: Schema = obj(
    {
        "room_id": ID,
        "name": STRING,
        "source": {"enum": ["ideas", "ranking"]},
        "state": {"enum": ["items", "waiting", "empty", "missing"]},
        "poll_id": nullable(ID),
        "items": array(
            obj({"text": STRING, "points": nullable(COUNT), "upvotes": nullable(COUNT)})
        ),
    }
)
FORUM_RESULTS: Schema = obj(
    {"forums": array(ref("ForumColumn")), "rooms": array(ref("ForumSetting"))}
)

RESULTS: Schema = obj(
    {
        "counts": array(COUNT),
        "voters": COUNT,
        "average": AVERAGE,
        "words": nullable(
            array(
                {
                    "type": "array",
                    "prefixItems": [STRING, COUNT],
                    "minItems": 2,
                    "maxItems": 2,
                }
            )
        ),
        "percents": array(COUNT),
    },
    {
        # ranking polls: Borda points per option (n-1 for a first place … 0, unranked 0);
        # points polls: the sums of the points given
        "points": array(COUNT),
        # ranking polls: how often each option was ranked first
        "first": array(COUNT),
    },
)

SCALE_LABEL: Schema = nullable({"type": "string", "maxLength": poll_rules.MAX_SCALE_LABEL_LEN})
MAX_RANKED: Schema = {"type": "integer", "minimum": 1, "maximum": poll_rules.MAX_OPTIONS}
BUDGET: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_BUDGET}

POLL: Schema = obj(
    {
        "id": ID,
        "room_id": ID,
        "question": TEXT,
        "kind": enum(PollKind),
        "state": enum(PollState),
        "options": array(STRING),
        "min": nullable(SCALE_BOUND),
        "max": nullable(SCALE_BOUND),
        "visibility": enum(Visibility),
        "screen_results": enum(ScreenResults),
        "max_answers": {"type": "integer", "minimum": 1, "maximum": poll_rules.MAX_ANSWERS},
        # only participants who joined before the poll opened may vote
        "joined_before_only": BOOL,
        "results": ref("Results"),
        "created_at": TIME,
        "opened_at": nullable(TIME),
        "closed_at": nullable(TIME),
    },
    {
        # moderators of its room, text polls: what was taken out of the word cloud
        "hidden": obj({"words": array(STRING), "answers": array(STRING)}),
        # moderators of its room, text polls: answers the event's blocklist keeps out
        "held": COUNT,
        # ranking polls: how many options a ballot ranks at most
        "max_ranked": MAX_RANKED,
        # points polls: the points each participant spreads
        "budget": BUDGET,
        # scale polls: the words at the two ends (null: none)
        "min_label": SCALE_LABEL,
        "max_label": SCALE_LABEL,
        # a self-paced survey's question (issue 24): the survey it belongs to
        "survey_id": ID,
    },
)

QUESTION: Schema = obj(
    {
        "id": ID,
        "room_id": ID,
        "text": TEXT,
        "name": nullable(STRING),
        "upvotes": COUNT,
        "state": enum(QuestionState),
        "highlighted": BOOL,
        "answer": nullable(STRING),
        "created_at": TIME,
        "label": nullable(LABEL),
    }
)

# An idea of a room's idea board (issue 24; live/views/ideas.py).
IDEA: Schema = obj(
    {
        "id": ID,
        "room_id": ID,
        "text": {"type": "string", "minLength": 1, "maxLength": idea_rules.MAX_IDEA_TEXT},
        "state": enum(IdeaState),
        "upvotes": COUNT,
        "marked": BOOL,
        "created_at": TIME,
    }
)
IDEA_LIST: Schema = array(ref("Idea"))

# One page of the room's questions; how to go on is in the headers (live/web/openapi.py).
QUESTION_LIST: Schema = array(ref("Question"))

TIMELINE: Schema = array(
    {"type": "array", "prefixItems": [TIME, {"type": "number"}], "minItems": 2}
)

EXPORT: Schema = {
    "allOf": [
        ref("Event"),
        obj(
            {
                "format": {"const": "live.export"},
                "version": {"const": 2},
                "exported_at": TIME,
                "timezone": STRING,
                "created_at": TIME,
                "starts_on": nullable(DAY),
                "ends_on": nullable(DAY),
                "settings": obj({"questions_need_approval": BOOL, "names_allowed": BOOL}),
                "blocklist": obj(
                    {
                        "default": BOOL,
                        "entries": array(BLOCK_ENTRY),
                        "removed": array(BLOCK_ENTRY),
                    }
                ),
                # „Ergebnisse aus den Foren“ (issue 24): every taking-part room's column.
                "forums": array(ref("ForumColumn")),
                "agenda": array(
                    obj(
                        {
                            "id": ID,
                            "room_id": ID,
                            "title": TEXT,
                            "speaker": nullable(STRING),
                            "starts_at": TIME,
                            "ends_at": TIME,
                        }
                    )
                ),
                # The download holds results, not ballots: the records that re-create the
                # event (ballots, authors, upvoters under pseudonyms) are only in `live export`
                # (live/report/records.py), which an operator runs on the server.
                "polls": array(
                    {"allOf": [ref("Poll"), obj({"agenda_item_id": nullable(ID)})]},
                ),
                "questions": array(ref("Question")),
                # Duplicates merged into another question (issue 24): in no list, but the
                # report's; ``merged_into`` names the question they went into.
                "merged_questions": array({"allOf": [ref("Question"), obj({"merged_into": ID})]}),
                "surveys": array(ref("Survey")),
                "applause": array(obj({"room_id": ID, "levels": TIMELINE})),
                "mood": array(
                    obj(
                        {
                            "room_id": ID,
                            "counts": array(COUNT),
                            "average": AVERAGE,
                            "course": TIMELINE,
                        }
                    )
                ),
                "participation": obj(
                    {
                        "participants": COUNT,
                        "active": COUNT,
                        "voters": COUNT,
                        "rooms": array(
                            obj(
                                {
                                    "room_id": ID,
                                    "voters": COUNT,
                                    "askers": COUNT,
                                    "mood_givers": COUNT,
                                    "active": COUNT,
                                }
                            )
                        ),
                    }
                ),
            }
        ),
    ]
}

# The setup document: as GET answers it, and as PUT takes it (the same shape; the server
# checks it fully and answers every problem at once, 422 invalid_setup).
SETUP_POLL: Schema = obj(
    {
        "question": TEXT,
        "kind": enum(PollKind),
        "options": array(STRING),
        "min": nullable(SCALE_BOUND),
        "max": nullable(SCALE_BOUND),
        "visibility": enum(Visibility),
        "screen_results": enum(ScreenResults),
        "max_answers": {"type": "integer", "minimum": 1},
    },
    {
        # issue 24, each only for its kind
        "max_ranked": MAX_RANKED,
        "budget": BUDGET,
        "min_label": SCALE_LABEL,
        "max_label": SCALE_LABEL,
    },
)


def setup_document(*, incoming: bool) -> Schema:
    """GET answers every field; PUT needs only version, title and rooms (and an agenda item
    its title, room and times), and takes no field beyond these (the import refuses unknown
    ones: live/domain/setup_file.py)."""
    item_fields: dict[str, Schema] = {
        "title": {"type": "string", "minLength": 1, "maxLength": MAX_ITEM_TITLE_LEN},
        "room": STRING,
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "speaker": nullable(STRING),
        "polls": array(ref("SetupPoll")),
    }
    fields: dict[str, Schema] = {
        "format": {"const": "live-setup"},
        "version": {"const": 1},
        "title": TITLE_IN if incoming else TEXT,
        "starts_on": nullable(DAY),
        "ends_on": nullable(DAY),
        "timezone": STRING,
        "rooms": array(obj({"name": ROOM_NAME_IN if incoming else TEXT})),
        "agenda": array(obj(item_fields)),
        "polls": array({"allOf": [obj({"room": STRING}), ref("SetupPoll")]}),
    }
    if not incoming:
        return obj(fields)
    poll = shut(SETUP_POLL, required=("question", "kind"))
    item = shut(
        {**obj(item_fields), "properties": {**item_fields, "polls": array(poll)}},
        required=("title", "room", "starts_at", "ends_at"),
    )
    loose_poll = shut(
        obj({**SETUP_POLL["properties"], "room": STRING}), required=("room", "question", "kind")
    )
    incoming_fields = {
        **fields,
        "rooms": array(shut(obj({"name": ROOM_NAME_IN}))),
        "agenda": array(item),
        "polls": array(loose_poll),
    }
    return shut(obj(incoming_fields), required=("version", "title", "rooms"))


def shut(schema: Schema, *, required: tuple[str, ...] | None = None) -> Schema:
    """``schema`` taking no fields beyond its properties (``required``: instead of its own)."""
    closed_schema = {**schema, "additionalProperties": False}
    if required is not None:
        closed_schema["required"] = list(required)
    return closed_schema


SETUP_IMPORTED: Schema = obj(
    {
        "added": obj({"rooms": COUNT, "agenda_items": COUNT, "polls": COUNT}),
        "kept": obj({"agenda_items": COUNT, "polls": COUNT}),
        "setup": ref("Setup"),
    }
)

HEALTH: Schema = obj({"status": {"enum": ["ok", "unavailable"]}})


# --- what the server takes --------------------------------------------------------------------


CREATE_EVENT_IN: Schema = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": TITLE_IN,
        "rooms": nullable({**array(ROOM_NAME_IN), "maxItems": MAX_ROOMS}),
    },
}

ADD_ROOM_IN: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": ROOM_NAME_IN, "parallel_polls": BOOL},
}

PATCH_ROOM_IN: Schema = closed(
    {
        "name": ROOM_NAME_IN,
        "parallel_polls": BOOL,
        "applause_via_stream": BOOL,
        "screen_label": nullable(STRING),
        "ideas_open": BOOL,
    }
)

PATCH_EVENT_IN: Schema = closed(
    {
        "brand_color": nullable({"type": "string", "pattern": "^#([0-9a-fA-F]{3}){1,2}$"}),
        "join_code_required": BOOL,
        "question_labels": {"type": "array", "items": STRING, "maxItems": label_rules.MAX_LABELS},
    }
)

# Optional: an event that requires the projector's code refuses a join without it (403).
JOIN_IN: Schema = {
    "type": "object",
    "properties": {
        "join_code": {
            "type": "string",
            "description": "the 4-digit code the projector shows now (spaces are ignored)",
        }
    },
}

CREATE_POLL_IN: Schema = {
    "type": "object",
    "required": ["question"],
    "properties": {
        "question": {"type": "string", "minLength": 1, "maxLength": poll_rules.MAX_QUESTION_LEN},
        "kind": enum(PollKind),
        "options": {
            **array({"type": "string", "minLength": 1, "maxLength": poll_rules.MAX_OPTION_LEN}),
            "maxItems": poll_rules.MAX_OPTIONS,
        },
        "min": SCALE_BOUND,
        "max": SCALE_BOUND,
        "visibility": enum(Visibility),
        "screen_results": enum(ScreenResults),
        "max_answers": {"type": "integer", "minimum": 1, "maximum": poll_rules.MAX_ANSWERS},
        "joined_before_only": BOOL,
        "max_ranked": MAX_RANKED,
        "budget": BUDGET,
        "min_label": SCALE_LABEL,
        "max_label": SCALE_LABEL,
    },
}

# Self-paced surveys (issue 24; live/domain/surveys.py): their questions are polls.
SURVEY: Schema = obj(
    {
        "id": ID,
        "room_id": ID,
        "title": TEXT,
        "state": enum(SurveyState),
        "poll_ids": array(ID),
        "created_at": TIME,
        "opened_at": nullable(TIME),
        "closed_at": nullable(TIME),
        # participants with at least one answer, and with every question answered
        "started": COUNT,
        "finished": COUNT,
        "questions": array(ref("Poll")),
    }
)
SURVEY_TITLE: Schema = {"type": "string", "minLength": 1, "maxLength": survey_rules.TITLE_MAX}
# Either "template", or "title" with "questions" (the handler refuses a body with neither).
CREATE_SURVEY_IN: Schema = {
    "type": "object",
    "properties": {
        "title": SURVEY_TITLE,
        "questions": {
            **array(ref("CreatePollBody")),
            "minItems": 1,
            "maxItems": survey_rules.MAX_QUESTIONS,
        },
        "template": {"type": "string", "enum": [t.key for t in survey_rules.TEMPLATES]},
    },
}
PATCH_SURVEY_IN: Schema = closed({"title": SURVEY_TITLE, "state": enum(Literal["open", "closed"])})

PATCH_POLL_IN: Schema = closed(
    {
        "visibility": enum(Visibility),
        "screen_results": enum(ScreenResults),
        "joined_before_only": BOOL,
    }
)


def hide_in(field: str) -> Schema:
    return closed(
        {
            field: {"type": "string", "minLength": 1, "maxLength": poll_rules.MAX_ANSWER_LEN},
            "hidden": BOOL,
        },
        required=(field,),
    )


# The event's blocklist (live/domain/blocklist.py; GET/PATCH …/blocklist, POST …/entries).
BLOCKLIST: Schema = obj(
    {
        "default": BOOL,
        "entries": array(BLOCK_ENTRY),
        "removed": array(BLOCK_ENTRY),
        "default_entries": array(BLOCK_ENTRY),
        "limits": obj({"entries": COUNT, "entry_length": COUNT}),
    }
)
PATCH_BLOCKLIST_IN: Schema = closed({"default": BOOL}, required=("default",))
BLOCK_ENTRY_IN: Schema = closed({"entry": BLOCK_ENTRY, "blocked": BOOL}, required=("entry",))


SET_SCREEN_IN: Schema = {
    "type": "object",
    "required": ["mode"],
    "properties": {"mode": enum(ScreenMode), "poll_id": ID},
}

START_COUNTDOWN_IN: Schema = {
    "type": "object",
    "required": ["seconds"],
    "properties": {
        "seconds": SECONDS,
        "label": {"type": "string", "maxLength": countdown_rules.LABEL_MAX},
    },
}

CHANGE_COUNTDOWN_IN: Schema = {
    "type": "object",
    "required": ["action"],
    "properties": {"action": {"enum": ["add", "pause", "resume"]}, "seconds": SECONDS},
}

SET_FORUM_IN: Schema = closed({"shown": nullable(BOOL), "poll_id": nullable(ID)})

PATCH_QUESTION_IN: Schema = closed(
    {
        "state": {"enum": [s for s in get_args(QuestionState) if s != "pending"]},
        "highlighted": BOOL,
        "answer": nullable({"type": "string", "maxLength": qa_rules.MAX_ANSWER_LEN}),
        "text": {"type": "string", "minLength": 1, "maxLength": qa_rules.MAX_QUESTION_TEXT},
        "label": nullable(STRING),
    }
)

PATCH_IDEA_IN: Schema = closed(
    {"state": {"type": "string", "enum": list(idea_rules.TARGET_STATES)}, "marked": BOOL}
)

MERGE_QUESTION_IN: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["duplicate"],
    "properties": {"duplicate": ID},
}

SCHEMAS: dict[str, Schema] = {
    "Error": ERROR,
    "Room": ROOM,
    "Brand": BRAND,
    "Blocklist": BLOCKLIST,
    "Event": EVENT,
    "CreatedEvent": CREATED_EVENT,
    "Participant": PARTICIPANT,
    "RoomLink": ROOM_LINK,
    "Screen": SCREEN,
    "Countdown": COUNTDOWN,
    "CountdownAnswer": COUNTDOWN_ANSWER,
    "ForumSetting": FORUM_SETTING,
    "ForumColumn": FORUM_COLUMN,
    "ForumResults": FORUM_RESULTS,
    "Results": RESULTS,
    "Poll": POLL,
    "Survey": SURVEY,
    "SurveyList": array(ref("Survey")),
    "Question": QUESTION,
    "QuestionList": QUESTION_LIST,
    "Idea": IDEA,
    "IdeaList": IDEA_LIST,
    "Export": EXPORT,
    "SetupPoll": SETUP_POLL,
    "Setup": setup_document(incoming=False),
    "SetupImported": SETUP_IMPORTED,
    "Health": HEALTH,
    "CreateEventBody": CREATE_EVENT_IN,
    "AddRoomBody": ADD_ROOM_IN,
    "PatchRoomBody": PATCH_ROOM_IN,
    "PatchEventBody": PATCH_EVENT_IN,
    "JoinBody": JOIN_IN,
    "CreatePollBody": CREATE_POLL_IN,
    "PatchPollBody": PATCH_POLL_IN,
    "CreateSurveyBody": CREATE_SURVEY_IN,
    "PatchSurveyBody": PATCH_SURVEY_IN,
    "HideWordBody": hide_in("word"),
    "HideAnswerBody": hide_in("answer"),
    "SetScreenBody": SET_SCREEN_IN,
    "PatchBlocklistBody": PATCH_BLOCKLIST_IN,
    "BlockEntryBody": BLOCK_ENTRY_IN,
    "StartCountdownBody": START_COUNTDOWN_IN,
    "ChangeCountdownBody": CHANGE_COUNTDOWN_IN,
    "SetForumBody": SET_FORUM_IN,
    "PatchQuestionBody": PATCH_QUESTION_IN,
    "MergeQuestionBody": MERGE_QUESTION_IN,
    "PatchIdeaBody": PATCH_IDEA_IN,
    "SetupBody": setup_document(incoming=True),
}
