"""Poll rules: creation, the draft → open ⇄ closed life cycle, ballots and results.

Pure: ``now`` and ids are arguments. Every function that takes input from people (``new_poll``,
``set_visibility``, ``set_screen_results``, ``make_ballot``, ``hidden_entry``) accepts values of
any type at run time and raises only ``DomainError`` for bad input, never TypeError or
ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TypeGuard, TypeVar

from live.domain import poll_points
from live.domain.blocklist import Blocklist
from live.domain.errors import DomainError
from live.domain.models import (
    HIDDEN_KINDS,
    OPTION_KINDS,
    POLL_KINDS,
    SCREEN_RESULTS,
    VISIBILITIES,
    Ballot,
    HiddenKind,
    Poll,
    Results,
    ScreenResults,
    Tally,
    Visibility,
)
from live.domain.text import _n, clean_text
from live.domain.words import count_words, distinct_answers, single_word

MAX_QUESTION_LEN = 300
MIN_OPTIONS = 2
MAX_OPTIONS = 12
MAX_OPTION_LEN = 120
MAX_ANSWER_LEN = 200
MAX_ANSWERS = 3  # answers per participant in a text poll (Poll.max_answers)
SCALE_LOWEST = -10
SCALE_HIGHEST = 10
MIN_SCALE_VALUES = 2
MAX_SCALE_VALUES = 11
DEFAULT_SCALE_MIN = 1
DEFAULT_SCALE_MAX = 5
MAX_SCALE_LABEL_LEN = 40


def _is_int(value: object) -> TypeGuard[int]:
    # bool is a subclass of int, but true/false from JSON is never meant as a number.
    return isinstance(value, int) and not isinstance(value, bool)


_S = TypeVar("_S", bound=str)


def _pick(value: object, known: tuple[_S, ...]) -> _S | None:
    # Returns the element of ``known`` itself, which carries its Literal type (PollKind, …).
    return next((k for k in known if isinstance(value, str) and value == k), None)


def _clean_options(options: object) -> tuple[str, ...]:
    if not isinstance(options, list | tuple):
        raise DomainError("invalid_option", _n("Bitte geben Sie die Antwortmöglichkeiten ein."))
    if len(options) > MAX_OPTIONS:
        msg = _n("Höchstens %(max)d Antwortmöglichkeiten sind erlaubt.")
        raise DomainError("too_many_options", msg, max=MAX_OPTIONS)
    if len(options) < MIN_OPTIONS:
        msg = _n("Bitte geben Sie mindestens %(min)d Antwortmöglichkeiten ein.")
        raise DomainError("too_few_options", msg, min=MIN_OPTIONS)
    # Non-strings count as empty: there is no text a person could fix.
    cleaned = tuple(clean_text(o) if isinstance(o, str) else "" for o in options)
    seen: set[str] = set()
    for option in cleaned:
        if not option:
            raise DomainError("invalid_option", _n("Antwortmöglichkeiten dürfen nicht leer sein."))
        if len(option) > MAX_OPTION_LEN:
            msg = _n("Eine Antwortmöglichkeit darf höchstens %(max)d Zeichen lang sein.")
            raise DomainError("invalid_option", msg, max=MAX_OPTION_LEN)
        if option.casefold() in seen:
            msg = _n("Jede Antwortmöglichkeit darf nur einmal vorkommen.")
            raise DomainError("duplicate_option", msg)
        seen.add(option.casefold())
    return cleaned


def _check_scale(scale_min: object, scale_max: object) -> tuple[int, int]:
    lo = DEFAULT_SCALE_MIN if scale_min is None else scale_min
    hi = DEFAULT_SCALE_MAX if scale_max is None else scale_max
    if (
        _is_int(lo)
        and _is_int(hi)
        and SCALE_LOWEST <= lo < hi <= SCALE_HIGHEST
        and MIN_SCALE_VALUES <= hi - lo + 1 <= MAX_SCALE_VALUES
    ):
        return lo, hi
    msg = _n("Die Skala muss %(min)d bis %(max)d Werte zwischen %(lowest)d und %(highest)d haben.")
    limits = {"min": MIN_SCALE_VALUES, "max": MAX_SCALE_VALUES}
    raise DomainError("invalid_scale", msg, lowest=SCALE_LOWEST, highest=SCALE_HIGHEST, **limits)


def _check_scale_label(label: object) -> str | None:
    # Forms send every field: an empty one means no label.
    if label is None or (isinstance(label, str) and not clean_text(label)):
        return None
    if not isinstance(label, str):
        raise DomainError("invalid_scale_label", _n("Die Beschriftung muss ein Text sein."))
    cleaned = clean_text(label)
    if len(cleaned) > MAX_SCALE_LABEL_LEN:
        msg = _n("Eine Beschriftung der Skala darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("invalid_scale_label", msg, max=MAX_SCALE_LABEL_LEN)
    return cleaned


def _check_visibility(visibility: object) -> Visibility:
    if (known := _pick(visibility, VISIBILITIES)) is None:
        msg = _n("Diese Einstellung für die Ergebnisse gibt es nicht.")
        raise DomainError("invalid_visibility", msg)
    return known


def _check_screen_results(screen_results: object) -> ScreenResults:
    if (known := _pick(screen_results, SCREEN_RESULTS)) is None:
        msg = _n("Diese Einstellung für die Ergebnisse auf der Leinwand gibt es nicht.")
        raise DomainError("invalid_screen_results", msg)
    return known


def _check_max_answers(max_answers: object) -> int:
    if max_answers is None:
        return 1
    if not _is_int(max_answers) or not 1 <= max_answers <= MAX_ANSWERS:
        msg = _n("Pro Person sind 1 bis %(max)d Antworten möglich.")
        raise DomainError("invalid_max_answers", msg, max=MAX_ANSWERS)
    return max_answers


def _check_joined_before_only(value: object) -> bool:
    if not isinstance(value, bool):
        msg = _n("Die Einstellung „nur vorher Beigetretene“ ist ja oder nein (true oder false).")
        raise DomainError("invalid_joined_before_only", msg)
    return value


def new_poll(
    *,
    poll_id: str,
    event_code: str,
    room_id: str,
    question: object,
    kind: object,
    options: object = (),
    scale_min: object = None,
    scale_max: object = None,
    visibility: object,
    screen_results: object = "live",
    max_answers: object = None,
    joined_before_only: object = False,
    max_ranked: object = None,
    budget: object = None,
    scale_min_label: object = None,
    scale_max_label: object = None,
    now: datetime,
) -> Poll:
    """A validated poll in state "draft".

    Invariants of the result: question and options are cleaned and non-empty within their
    limits; single/multiple have MIN_OPTIONS..MAX_OPTIONS case-insensitively distinct options
    and no scale; scale has bounds (None → 1..5), options ``()`` and optional end labels;
    text has neither, and 1..MAX_ANSWERS answers per participant (None → 1); the other kinds
    have max_answers 1. ranking and points have options as single/multiple, ranking with
    max_ranked (1..len(options), None → all), points with a budget (None → 100); the other
    kinds have max_ranked and budget None. Settings of other kinds are ignored (forms send
    every field anyway).
    """
    if not isinstance(question, str) or not (cleaned_question := clean_text(question)):
        raise DomainError("empty_question", _n("Bitte geben Sie eine Frage ein."))
    if len(cleaned_question) > MAX_QUESTION_LEN:
        msg = _n("Die Frage darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("question_too_long", msg, max=MAX_QUESTION_LEN)
    if (checked_kind := _pick(kind, POLL_KINDS)) is None:
        raise DomainError("invalid_kind", _n("Diese Art von Abstimmung gibt es nicht."))
    cleaned_options: tuple[str, ...] = ()
    lo: int | None = None
    hi: int | None = None
    answers = 1
    ranked: int | None = None
    points_budget: int | None = None
    labels: tuple[str | None, str | None] = (None, None)
    if checked_kind in OPTION_KINDS:
        cleaned_options = _clean_options(options)
        if checked_kind == "ranking":
            ranked = poll_points.check_max_ranked(max_ranked, len(cleaned_options))
        elif checked_kind == "points":
            points_budget = poll_points.check_budget(budget)
    elif checked_kind == "scale":
        lo, hi = _check_scale(scale_min, scale_max)
        labels = (_check_scale_label(scale_min_label), _check_scale_label(scale_max_label))
    else:
        answers = _check_max_answers(max_answers)
    return Poll(
        id=poll_id,
        event_code=event_code,
        room_id=room_id,
        question=cleaned_question,
        kind=checked_kind,
        options=cleaned_options,
        scale_min=lo,
        scale_max=hi,
        state="draft",
        visibility=_check_visibility(visibility),
        screen_results=_check_screen_results(screen_results),
        max_answers=answers,
        joined_before_only=_check_joined_before_only(joined_before_only),
        created_at=now,
        max_ranked=ranked,
        budget=points_budget,
        scale_min_label=labels[0],
        scale_max_label=labels[1],
    )


def open_poll(poll: Poll, now: datetime) -> Poll:
    """Open a draft or closed poll (opened_at=now, closed_at cleared); an open poll is returned
    as it is, so a double click does not restart it."""
    if poll.state == "open":
        return poll
    return replace(poll, state="open", opened_at=now, closed_at=None)


def close_poll(poll: Poll, now: datetime) -> Poll:
    """Close an open poll (closed_at=now); a closed poll is returned as it is."""
    if poll.state == "closed":
        return poll
    if poll.state != "open":
        raise DomainError("poll_not_open", _n("Diese Abstimmung ist noch nicht geöffnet."))
    return replace(poll, state="closed", closed_at=now)


def set_visibility(poll: Poll, visibility: object) -> Poll:
    """The poll with another results visibility; allowed in every state."""
    return replace(poll, visibility=_check_visibility(visibility))


def set_screen_results(poll: Poll, screen_results: object) -> Poll:
    """The poll with another choice for the projector's results; allowed in every state."""
    return replace(poll, screen_results=_check_screen_results(screen_results))


def set_joined_before_only(poll: Poll, value: object) -> Poll:
    """The poll with or without "only participants who joined before it opened"; allowed in
    every state (switched on while open, it refuses from the next vote on)."""
    return replace(poll, joined_before_only=_check_joined_before_only(value))


def scale_values(poll: Poll) -> tuple[int, ...]:
    """The selectable values of a scale poll in ascending order; ``()`` for other kinds."""
    if poll.kind != "scale":
        return ()
    lo = DEFAULT_SCALE_MIN if poll.scale_min is None else poll.scale_min
    hi = DEFAULT_SCALE_MAX if poll.scale_max is None else poll.scale_max
    return tuple(range(lo, hi + 1))


def _check_choices(poll: Poll, choices: object) -> tuple[int, ...]:
    if not isinstance(choices, list | tuple) or not choices:
        raise DomainError("invalid_choice", _n("Bitte wählen Sie eine Antwort."))
    if poll.kind == "single" and len(choices) != 1:
        raise DomainError("invalid_choice", _n("Bitte wählen Sie genau eine Antwort."))
    # More entries than options can only be duplicates or invalid: stop before looking closer.
    if len(choices) > len(poll.options) or not all(
        _is_int(c) and 0 <= c < len(poll.options) for c in choices
    ):
        raise DomainError("invalid_choice", _n("Diese Antwort gibt es nicht."))
    picked = tuple(sorted(set(choices)))
    if len(picked) != len(choices):
        raise DomainError("invalid_choice", _n("Sie können jede Antwort nur einmal wählen."))
    return picked


def _check_texts(poll: Poll, text: object, texts: object) -> tuple[str, ...]:
    if texts is None:
        given: list[object] = [text]
    elif text is not None:
        msg = _n("Bitte senden Sie Ihre Antworten entweder als text oder als texts.")
        raise DomainError("invalid_text", msg)
    elif isinstance(texts, list | tuple):
        given = list(texts)
    else:
        raise DomainError("invalid_text", _n("Die Antworten müssen eine Liste von Texten sein."))
    if len(given) > poll.max_answers:
        msg = _n("Sie können höchstens %(max)d Antworten senden.")
        raise DomainError("too_many_answers", msg, max=poll.max_answers)
    strings = [t for t in given if isinstance(t, str)]
    if len(strings) != len(given):
        if texts is None:
            raise DomainError("empty_text", _n("Bitte geben Sie eine Antwort ein."))
        raise DomainError("invalid_text", _n("Die Antworten müssen eine Liste von Texten sein."))
    answers: list[str] = []
    seen: set[str] = set()
    for raw in strings:
        answer = clean_text(raw)
        if len(answer) > MAX_ANSWER_LEN:
            msg = _n("Ihre Antwort darf höchstens %(max)d Zeichen lang sein.")
            raise DomainError("text_too_long", msg, max=MAX_ANSWER_LEN)
        # Empty extra fields are fine; the same answer twice counts once (it would weigh
        # double in the cloud otherwise).
        if answer and answer.casefold() not in seen:
            seen.add(answer.casefold())
            answers.append(answer)
    if not answers:
        raise DomainError("empty_text", _n("Bitte geben Sie eine Antwort ein."))
    return tuple(answers)


def make_ballot(
    poll: Poll,
    *,
    choices: object = None,
    value: object = None,
    text: object = None,
    texts: object = None,
    ranking: object = None,
    points: object = None,
) -> Ballot:
    """Validate a participant's input against ``poll`` and return the Ballot to store.

    Only the arguments for the poll's kind are read: ``choices`` (option indexes) for single and
    multiple, ``value`` for scale, ``text`` (one answer) or ``texts`` (a list of up to
    poll.max_answers answers; empty ones are skipped) for text, not both. Choices of a multiple
    poll come back sorted and distinct; text answers come back cleaned, case-insensitively
    distinct, each with 1..MAX_ANSWER_LEN characters, at least one. ``ranking`` (option
    indexes, best first) for ranking, ``points`` (one number per option) for points polls: see
    live/domain/poll_points.py.
    """
    if poll.state == "closed":
        raise DomainError("poll_closed", _n("Diese Abstimmung ist bereits beendet."))
    if poll.state != "open":
        raise DomainError("poll_not_open", _n("Diese Abstimmung ist noch nicht geöffnet."))
    if poll.kind == "scale":
        values = scale_values(poll)
        if not _is_int(value) or value not in values:
            msg = _n("Bitte wählen Sie einen Wert von %(min)d bis %(max)d.")
            raise DomainError("invalid_value", msg, min=values[0], max=values[-1])
        return Ballot(value=value)
    if poll.kind == "text":
        return Ballot(texts=_check_texts(poll, text, texts))
    size = len(poll.options)
    if poll.kind == "ranking":
        most = size if poll.max_ranked is None else poll.max_ranked
        return Ballot(ranking=poll_points.check_ranking(ranking, size, most))
    if poll.kind == "points":
        budget = poll_points.DEFAULT_BUDGET if poll.budget is None else poll.budget
        return Ballot(points=poll_points.check_points(points, size, budget))
    return Ballot(choices=_check_choices(poll, choices))


def hidden_key(entry: str) -> str:
    """What a hidden word or answer is compared by: case-folded, as count_words folds words
    (answers are stored cleaned, so folding is all that is left to do)."""
    return entry.casefold()


def hidden_entry(poll: Poll, kind: object, entry: object) -> tuple[HiddenKind, str, str]:
    """Check a word or answer a moderator hides from (or shows again in) the word cloud of
    ``poll``; returns (kind, key, entry as shown): a word must be one word as the cloud counts
    words, an answer is cleaned like answers are."""
    if poll.kind != "text":
        msg = _n("Nur Freitext-Abstimmungen haben eine Wortwolke.")
        raise DomainError("not_a_text_poll", msg)
    if (checked := _pick(kind, HIDDEN_KINDS)) is None:
        raise DomainError("invalid_hidden_kind", _n("Ausblenden lassen sich Wörter und Antworten."))
    shown = clean_text(entry) if isinstance(entry, str) else ""
    if not shown:
        msg = _n("Bitte geben Sie an, was ausgeblendet werden soll.")
        raise DomainError("empty_entry", msg)
    if len(shown) > MAX_ANSWER_LEN:
        msg = _n("Ein Eintrag darf höchstens %(max)d Zeichen lang sein.")
        raise DomainError("entry_too_long", msg, max=MAX_ANSWER_LEN)
    if checked == "word":
        if (word := single_word(shown)) is None:
            raise DomainError("invalid_word", _n("Bitte geben Sie ein einzelnes Wort an."))
        shown = word
    return checked, hidden_key(shown), shown


def _round_half_up(numerator: int, denominator: int) -> int:
    # Integer arithmetic: float division would turn an exact x.5 into x.4999… now and then.
    return (2 * numerator + denominator) // (2 * denominator)


def largest_remainder(counts: Sequence[int]) -> tuple[int, ...]:
    """Whole percentages that add up to exactly 100 (all zeros when nothing was counted).

    Hamilton method: everyone gets the floor of the exact share, the points still missing go
    to the largest remainders; equal remainders favour the lower index. An entry with count 0
    always gets 0. Raises ValueError for negative counts (a store bug, not user input).
    """
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    if total == 0:
        return tuple(0 for _ in counts)
    floors = [c * 100 // total for c in counts]
    missing = 100 - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(counts[i] * 100 % total), i))
    for i in by_remainder[:missing]:
        floors[i] += 1
    return tuple(floors)


def share_percents(counts: Sequence[int], voters: int) -> tuple[int, ...]:
    """Percent of voters who picked each option, rounded half up; need not add up to 100."""
    if voters <= 0:
        return tuple(0 for _ in counts)
    return tuple(_round_half_up(c * 100, voters) for c in counts)


def _average(values: Sequence[int], counts: Sequence[int]) -> float | None:
    total = sum(counts)
    if total == 0:
        return None
    weighted = sum(v * c for v, c in zip(values, counts, strict=True))
    # Half away from zero at the second decimal, so -2.125 and 2.125 mirror each other.
    hundredths = _round_half_up(abs(weighted) * 100, total)
    return (hundredths if weighted >= 0 else -hundredths) / 100


def _fit(counts: tuple[int, ...], size: int) -> tuple[int, ...]:
    # A store may hand over an empty Tally before the first vote; any other size is a bug.
    if not counts:
        return (0,) * size
    if len(counts) != size:
        raise ValueError(f"tally has {len(counts)} counts, poll needs {size}")
    return counts


def results(poll: Poll, tally: Tally, blocklist: Blocklist | None = None) -> Results:
    """Results for display. single/scale percents add up to 100 (or are all 0); ranking and
    points add points (and first places) per option, percents being shares of all points and
    total the points given; multiple
    percents are shares of voters; scale adds the average (2 decimals, None without votes);
    text has no counts but the word list and the distinct answers, and total is the number of
    answers. The words and answers moderators hid are left out of all three for everyone: a
    hidden answer adds no word, a hidden word is not counted. So are the answers with a word of
    the event's ``blocklist`` (the whole answer: the rest of "Müller ist ein Idiot" must not
    reach the wall either); moderators find them in ``held_answers``."""
    if poll.kind == "text":
        hidden = frozenset(hidden_key(a) for a in poll.hidden_answers)
        shown = [t for t in tally.texts if hidden_key(t) not in hidden] if hidden else tally.texts
        held: list[str] = []
        if blocklist:
            kept: list[str] = []
            for text in shown:
                (held if blocklist.blocks(text) else kept).append(text)
            shown = kept
        words = count_words(shown, hidden=frozenset(hidden_key(w) for w in poll.hidden_words))
        return Results(
            counts=(),
            voters=tally.voters,
            percents=(),
            words=words,
            total=len(shown),
            answers=distinct_answers(shown),
            held_answers=distinct_answers(held),
            held=len(held),
        )
    values = scale_values(poll)
    counts = _fit(tally.counts, len(values) if poll.kind == "scale" else len(poll.options))
    if poll.kind in ("ranking", "points"):
        # Percents: each option's share of all points given (the bars on the projector).
        points = _fit(tally.points, len(poll.options))
        first = _fit(tally.first, len(poll.options)) if poll.kind == "ranking" else ()
        return Results(
            counts=counts,
            voters=tally.voters,
            percents=largest_remainder(points),
            total=sum(points),
            points=points,
            first=first,
        )
    if poll.kind == "multiple":
        percents = share_percents(counts, tally.voters)
    else:
        percents = largest_remainder(counts)
    average = _average(values, counts) if poll.kind == "scale" else None
    return Results(
        counts=counts, voters=tally.voters, percents=percents, average=average, total=sum(counts)
    )


def results_visible(poll: Poll, *, has_voted: bool) -> bool:
    """Whether a participant sees the results: "live" always, "after_vote" once they voted or
    the poll is closed, "after_close" only when the poll is closed."""
    if poll.visibility == "live":
        return True
    if poll.visibility == "after_vote":
        return has_voted or poll.state == "closed"
    return poll.state == "closed"


def results_on_screen(poll: Poll) -> bool:
    """Whether the projector shows the distribution: live unless the moderator chose to keep
    it off the wall until the poll is closed (screen_results, apart from the phones'
    visibility); the number of votes still shows."""
    return poll.screen_results == "live" or poll.state == "closed"


def published(poll: Poll) -> bool:
    """Opened at least once (open or closed): no longer a moderator's draft, so it may be shown
    to participants and put on the projector."""
    return poll.state != "draft"


def visible_to(poll: Poll, *, moderator: bool) -> bool:
    """Drafts are the moderators' preparation: participants and viewers never see them (an API
    read of a draft without a moderator's token is a 404, as if it did not exist)."""
    return moderator or published(poll)


def open_newest_first(polls: Iterable[Poll]) -> tuple[Poll, ...]:
    """The open polls, the most recently opened first (phones, the control room)."""
    opened = [p for p in polls if p.state == "open"]
    opened.sort(key=lambda p: (p.opened_at or p.created_at, p.id), reverse=True)
    return tuple(opened)
