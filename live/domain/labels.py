"""Labels of questions (issue 24, panel Q&A): e.g. the name of the speaker a question is for.

An event has at most MAX_LABELS labels, set by its moderators as one list (its order is the
order shown). A question has at most one label (None: none): the asker may pick one when the
event offers labels, a moderator sets or changes it. Labels are matched by their exact text,
which is also what a question stores: a label taken off the event's list stays on the questions
that have it (the report still says who they were for) but can no longer be chosen. Pure.
"""

from __future__ import annotations

from live.domain.errors import DomainError
from live.domain.models import Event
from live.domain.text import _n, clean_text

MAX_LABELS = 20
MAX_LABEL_LEN = 40


def clean_labels(raw: object) -> tuple[str, ...]:
    """The event's labels from a list of strings: each cleaned, 1..MAX_LABEL_LEN characters,
    distinct ignoring case, at most MAX_LABELS; blank entries are dropped."""
    if not isinstance(raw, (list, tuple)) or not all(isinstance(x, str) for x in raw):
        raise DomainError(
            "invalid_labels", _n("Bitte geben Sie die Kennzeichnungen als Liste von Texten an.")
        )
    labels: list[str] = []
    seen: set[str] = set()
    for entry in raw:
        label = clean_text(entry)
        if not label:
            continue
        if len(label) > MAX_LABEL_LEN:
            msg = _n("Eine Kennzeichnung darf höchstens %(max)d Zeichen lang sein.")
            raise DomainError("label_too_long", msg, max=MAX_LABEL_LEN)
        if label.casefold() in seen:
            msg = _n("Die Kennzeichnung „%(label)s“ steht doppelt in der Liste.")
            raise DomainError("duplicate_label", msg, label=label)
        seen.add(label.casefold())
        labels.append(label)
    if len(labels) > MAX_LABELS:
        msg = _n("Eine Veranstaltung kann höchstens %(max)d Kennzeichnungen haben.")
        raise DomainError("too_many_labels", msg, max=MAX_LABELS)
    return tuple(labels)


def pick_label(event: Event, raw: object) -> str | None:
    """A question's label: None, "" or blank for none, else one of the event's labels."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise unknown_label_error()
    label = clean_text(raw)
    if not label:
        return None
    if label not in event.question_labels:
        raise unknown_label_error()
    return label


def filter_label(event: Event, raw: object) -> str | None:
    """A list's or the projector's filter: like pick_label (None: all questions)."""
    return pick_label(event, raw)


def query_label(event: Event, raw: str | None) -> str | None:
    """The API list's ``?label=`` (GET …/questions): absent → None (every question); else
    exactly one of the event's labels (surrounding spaces aside). Anything else, an empty value
    too, is refused like the list's other bad parameters (invalid_label, answered 400): a
    filter that names no label would otherwise look like a list that has no such questions."""
    if raw is None:
        return None
    label = clean_text(raw)
    if not label or label not in event.question_labels:
        msg = _n("label muss eine der Kennzeichnungen dieser Veranstaltung sein.")
        raise DomainError("invalid_label", msg)
    return label


def unknown_label_error() -> DomainError:
    return DomainError(
        "unknown_label", _n("Diese Kennzeichnung gibt es in dieser Veranstaltung nicht.")
    )
