"""JSON shapes of the public interface (../shared/CONTRACT.md, documented in docs/api.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from live.domain import blocklist
from live.domain import polls as poll_rules
from live.domain.models import Event, Poll, Question, Results, Room, Survey
from live.views.brand import brand_css_url, logo_url


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat().replace("+00:00", "Z")


def room_dict(room: Room) -> dict[str, Any]:
    """``parallel_polls``: whether several polls may be open at once (else opening one closes
    the room's open poll); ``applause_via_stream``: whether the stream carries the applause,
    so participants' devices play none."""
    return {
        "id": room.id,
        "name": room.name,
        "parallel_polls": room.parallel_polls,
        "applause_via_stream": room.applause_via_stream,
        # The projector's Q&A shows only questions with this label (null: all; issue 24).
        "screen_label": room.screen_label,
        # The room's idea board is on: participants may post and upvote ideas (issue 24).
        "ideas_open": room.ideas_open,
    }


def event_dict(event: Event, rooms: list[Room] | tuple[Room, ...]) -> dict[str, Any]:
    return {
        "code": event.code,
        "title": event.title,
        "rooms": [room_dict(r) for r in rooms],
        "brand": brand_dict(event),
        # Joining needs the projector's rotating code ({"join_code"} in POST …/join).
        "join_code_required": event.join_code_required,
        # The labels a question may carry, in the order shown (issue 24).
        "question_labels": list(event.question_labels),
    }


def brand_dict(event: Event) -> dict[str, Any]:
    """The event's colour and logo (paths on this server; null: the app's own, no logo)."""
    return {
        "color": event.brand_color,
        "logo": logo_url(event) or None,
        "stylesheet": brand_css_url(event) or None,
    }


def blocklist_dict(event: Event) -> dict[str, Any]:
    """The event's blocklist (live/domain/blocklist.py): the switch of the shipped list, the
    event's own entries, the shipped entries it switched off, the shipped list itself and the
    limits."""
    return {
        "default": event.blocklist_default,
        "entries": list(event.blocklist_added),
        "removed": list(event.blocklist_removed),
        "default_entries": [e.shown for e in blocklist.default_entries()],
        "limits": {"entries": blocklist.MAX_OWN_ENTRIES, "entry_length": blocklist.MAX_ENTRY_LEN},
    }


def results_dict(results: Results, kind: str = "") -> dict[str, Any]:
    """The contract's results; ranking polls add "points" (Borda) and "first", points polls
    "points" (the sums): additive fields, present only for those kinds."""
    shape: dict[str, Any] = {
        "counts": list(results.counts),
        "voters": results.voters,
        "average": results.average,
        "words": [list(w) for w in results.words] if results.words is not None else None,
        "percents": list(results.percents),
    }
    if kind in ("ranking", "points"):
        shape["points"] = list(results.points)
    if kind == "ranking":
        shape["first"] = list(results.first)
    return shape


def survey_dict(survey: Survey) -> dict[str, Any]:
    """A self-paced survey (issue 24): its questions are polls, listed by id in order."""
    return {
        "id": survey.id,
        "room_id": survey.room_id,
        "title": survey.title,
        "state": survey.state,
        "poll_ids": list(survey.poll_ids),
        "created_at": iso(survey.created_at),
        "opened_at": iso(survey.opened_at),
        "closed_at": iso(survey.closed_at),
    }


def poll_dict(poll: Poll, results: Results, *, moderator: bool = False) -> dict[str, Any]:
    """The contract's poll. ``moderator``: with what was hidden from a text poll's word cloud
    (participants and viewers never learn the hidden answers, which may be why they were
    hidden)."""
    if poll.kind == "scale":
        # Scale polls list their values as options, so counts line up with options everywhere.
        options = [str(v) for v in poll_rules.scale_values(poll)]
    else:
        options = list(poll.options)
    shape: dict[str, Any] = {
        "id": poll.id,
        "room_id": poll.room_id,
        "question": poll.question,
        "kind": poll.kind,
        "state": poll.state,
        "options": options,
        "min": poll.scale_min,
        "max": poll.scale_max,
        "visibility": poll.visibility,
        "screen_results": poll.screen_results,
        "max_answers": poll.max_answers,
        "joined_before_only": poll.joined_before_only,
        "results": results_dict(results, poll.kind),
        "created_at": iso(poll.created_at),
        "opened_at": iso(poll.opened_at),
        "closed_at": iso(poll.closed_at),
    }
    # Issue 24, additive: each only for the kind it belongs to.
    if poll.kind == "ranking":
        shape["max_ranked"] = poll.max_ranked
    elif poll.kind == "points":
        shape["budget"] = poll.budget
    elif poll.kind == "scale":
        shape["min_label"] = poll.scale_min_label
        shape["max_label"] = poll.scale_max_label
    if poll.survey_id is not None:
        # A survey's question (issue 24): voted with the ordinary vote message.
        shape["survey_id"] = poll.survey_id
    if moderator and poll.kind == "text":
        shape["hidden"] = {"words": list(poll.hidden_words), "answers": list(poll.hidden_answers)}
        # How many answers the event's blocklist keeps out of the cloud (issue 24).
        shape["held"] = results.held
    return shape


def question_dict(question: Question, room: Room) -> dict[str, Any]:
    """The contract's question. The author's participant id never leaves the server."""
    return {
        "id": question.id,
        "room_id": question.room_id,
        "text": question.text,
        "name": question.name,
        "upvotes": question.upvotes,
        "state": question.state,
        "highlighted": room.highlighted_question_id == question.id,
        "answer": question.answer,
        "created_at": iso(question.created_at),
        "label": question.label,
    }


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")
