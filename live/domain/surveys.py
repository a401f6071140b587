"""Self-paced surveys (issue 24): a sequence of a room's polls that each participant answers at
their own pace, one question per screen (e.g. the closing evaluation).

A survey reuses polls: its questions are ordinary polls carrying ``survey_id``, so votes are
the polls' own upserts (changeable while open, never counted twice) and results are the polls'
results. What is the survey's own: its title, the order of its questions, and one state for
them all (opening the survey opens every question, closing closes them; the store writes the
survey and its polls in one step). Pure rules, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from live.domain.errors import DomainError
from live.domain.models import Ballot, Poll, PollKind, Survey
from live.domain.poll_templates import PollTemplate
from live.domain.text import _n, clean_text

TITLE_MAX = 120
MAX_QUESTIONS = 20
# The kinds a survey asks: one screen each, answered with plain form fields (no ordering or
# points sliders on a step: those need the room's poll stage).
SURVEY_KINDS: tuple[PollKind, ...] = ("single", "multiple", "scale", "text")


def ordinary(polls: Iterable[Poll]) -> tuple[Poll, ...]:
    """The polls that are not a survey's questions: what the room's poll lists, the one open
    poll rule, the run sheet and the projector deal with. A survey's questions are shown only
    inside their survey. (The one place this is decided.)"""
    return tuple(p for p in polls if p.survey_id is None)


def check_title(title: object) -> str:
    if not isinstance(title, str) or not (cleaned := clean_text(title)):
        raise DomainError("empty_title", _n("Bitte geben Sie einen Titel ein."))
    if len(cleaned) > TITLE_MAX:
        msg = _n("Der Titel darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("title_too_long", msg, max=TITLE_MAX)
    return cleaned


def check_questions(questions: object) -> list[Mapping[str, object]]:
    """The questions of a new survey as given (each a mapping like a poll's body): 1..20 of
    them, each of a kind a survey asks. The polls' own rules check the rest."""
    if not isinstance(questions, list) or not questions:
        raise DomainError("no_questions", _n("Eine Umfrage braucht mindestens eine Frage."))
    if len(questions) > MAX_QUESTIONS:
        msg = _n("Eine Umfrage hat höchstens %(max)d Fragen.")
        raise DomainError("too_many_questions", msg, max=MAX_QUESTIONS)
    for question in questions:
        if not isinstance(question, Mapping):
            raise DomainError("invalid_question", _n("Jede Frage ist ein Objekt."))
        if question.get("kind") not in SURVEY_KINDS:
            msg = _n(
                "Eine Umfrage fragt mit Einzelwahl, Mehrfachwahl, Skala oder Freitext "
                "(nicht mit Rangfolge oder Punkten)."
            )
            raise DomainError("invalid_kind", msg)
    return list(questions)


def new_survey(
    *,
    survey_id: str,
    event_code: str,
    room_id: str,
    title: object,
    polls: Sequence[Poll],
    now: datetime,
) -> tuple[Survey, tuple[Poll, ...]]:
    """A draft survey and its polls (drafts of the same room, in order), each marked as the
    survey's."""
    survey = Survey(
        id=survey_id,
        event_code=event_code,
        room_id=room_id,
        title=check_title(title),
        state="draft",
        poll_ids=tuple(p.id for p in polls),
        created_at=now,
    )
    marked = tuple(replace(p, survey_id=survey_id, state="draft") for p in polls)
    return survey, marked


def open_survey(survey: Survey, now: datetime) -> Survey:
    """Open a draft or closed survey (every question with it); an open one stays as it is."""
    if survey.state == "open":
        return survey
    return replace(survey, state="open", opened_at=now, closed_at=None)


def close_survey(survey: Survey, now: datetime) -> Survey:
    """Close an open survey: from now on its answers are final."""
    if survey.state == "closed":
        return survey
    if survey.state != "open":
        raise DomainError("survey_not_open", _n("Diese Umfrage ist noch nicht geöffnet."))
    return replace(survey, state="closed", closed_at=now)


def retitle(survey: Survey, title: object) -> Survey:
    return replace(survey, title=check_title(title))


def as_survey_poll(survey: Survey, poll: Poll) -> Poll:
    """The poll in the survey's state, as the store writes it with the survey."""
    return replace(poll, state=survey.state, opened_at=survey.opened_at, closed_at=survey.closed_at)


@dataclass(frozen=True, slots=True)
class Progress:
    """How many participants answered at least one question (started) and every question
    (finished)."""

    started: int
    finished: int


def progress(survey: Survey, ballots: Mapping[str, Mapping[str, Ballot]]) -> Progress:
    """From the ballots per poll (poll id -> participant -> ballot)."""
    per_person: dict[str, int] = {}
    for poll_id in survey.poll_ids:
        for participant in ballots.get(poll_id, {}):
            per_person[participant] = per_person.get(participant, 0) + 1
    total = len(survey.poll_ids)
    finished = sum(1 for n in per_person.values() if n >= total)
    return Progress(started=len(per_person), finished=finished)


def step_of(survey: Survey, step: object) -> int:
    """The screen asked for: 1..len(questions) a question, len + 1 the end ("Danke");
    anything else the first question."""
    count = len(survey.poll_ids)
    if isinstance(step, str) and step.isdigit():
        number = int(step)
        if 1 <= number <= count + 1:
            return number
    return 1


def first_unanswered(survey: Survey, mine: Mapping[str, Ballot]) -> int:
    """Where a participant coming back starts: the first question without an answer, or the
    end when all are answered."""
    for number, poll_id in enumerate(survey.poll_ids, start=1):
        if poll_id not in mine:
            return number
    return len(survey.poll_ids) + 1


@dataclass(frozen=True, slots=True)
class SurveyTemplate:
    key: str
    title: str  # msgid
    questions: tuple[PollTemplate, ...]


TEMPLATES: tuple[SurveyTemplate, ...] = (
    SurveyTemplate(
        "abschlussevaluation",
        _n("Abschlussevaluation"),
        (
            PollTemplate(
                "gesamt",
                _n("Wie zufrieden sind Sie insgesamt mit der Tagung?"),
                "scale",
                scale_min_label=_n("gar nicht zufrieden"),
                scale_max_label=_n("sehr zufrieden"),
            ),
            PollTemplate(
                "nutzen",
                _n("Die Inhalte sind für meine Arbeit im Jobcenter nützlich."),
                "scale",
                scale_min_label=_n("trifft nicht zu"),
                scale_max_label=_n("trifft voll zu"),
            ),
            PollTemplate(
                "organisation",
                _n("Wie bewerten Sie die Organisation (Ablauf, Räume, Verpflegung)?"),
                "single",
                (
                    _n("sehr gut"),
                    _n("gut"),
                    _n("befriedigend"),
                    _n("ausreichend"),
                    _n("mangelhaft"),
                ),
            ),
            PollTemplate(
                "formate",
                _n("Welche Formate sollen wir beibehalten?"),
                "multiple",
                (
                    _n("Vorträge"),
                    _n("Foren"),
                    _n("Podiumsdiskussion"),
                    _n("Austausch in den Pausen"),
                    _n("Beteiligung per Handy"),
                ),
            ),
            PollTemplate(
                "besser",
                _n("Was sollten wir beim nächsten Mal besser machen?"),
                "text",
            ),
        ),
    ),
)

_BY_KEY = {t.key: t for t in TEMPLATES}


def template(key: object) -> SurveyTemplate | None:
    return _BY_KEY.get(key) if isinstance(key, str) else None
