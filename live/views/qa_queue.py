"""The moderators' Q&A queue (templates/fragments/mod_questions.html and mod_question.html).

The queue is one live region, the same for every moderator of the room: pushed by the fan-out
on every change. What belongs to one moderator only — the undo of the action just taken, an
error in the inline answer with what was typed — is in that action's answer alone;
static/qa_queue.js carries it, and the selection, over the pushes that follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from live.domain import qa_paging
from live.domain import questions as qa_rules
from live.domain.models import Question, QuestionState
from live.domain.qa_paging import Page, Pages
from live.domain.text import _n
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.i18n import Lang
from live.views.frame_budget import Row, RowList, hole
from live.views.templating import render

# A question's state in one word (a row's meta line, the undo's announcement).
STATE_LABELS: dict[QuestionState, str] = {
    "pending": _n("wartet auf Freigabe"),
    "approved": _n("freigegeben"),
    "answered": _n("beantwortet"),
    "hidden": _n("ausgeblendet"),
    "archived": _n("archiviert"),
}
GROUP_TITLES: dict[QuestionState, str] = {
    "pending": _n("Warten auf Freigabe"),
    "approved": _n("Freigegeben"),
    "answered": _n("Beantwortet"),
    "hidden": _n("Ausgeblendet"),
    "archived": _n("Archiviert"),
}
# The groups always open at the top of the queue; the rest is done and folded away.
OPEN_GROUPS: tuple[QuestionState, ...] = ("pending", "approved")
DONE_GROUPS: tuple[QuestionState, ...] = ("answered", "hidden", "archived")
# Each group shows this many questions per page (issue 21): the queue pushed to every moderator
# on every change stays the same size in a room of 10,000 questions.
QUEUE_PAGE_SIZE = 10
# How much of a question a control's name and an announcement quote.
EXCERPT_LENGTH = 50


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """``text`` on one line, cut after a word with "…" when longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word boundary not too far back; else cut inside the word
        cut = cut[:space]
    return cut.rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Undo:
    """What the undo of one action puts back (``QuestionService.restore``): the question as it
    was (its state and answer), the room's highlighted question before ("" for none) and the
    projector's mode before when the action changed it ("" when not). ``done`` says what the
    action did, beside the undo button."""

    question: Question
    highlight: str
    screen_mode: str
    done: str


@dataclass(frozen=True, slots=True)
class AnswerError:
    """An inline answer that was refused: shown at its field, with what was typed."""

    question_id: str
    message: str
    value: str
    mark_answered: bool


def queue_groups(state: RoomState) -> list[tuple[QuestionState, list[Question]]]:
    """Every group in queue order: waiting (oldest first, as they came in), approved (most
    upvoted first), then answered, hidden, archived (newest first: the latest is looked for)."""
    by_state: dict[str, list[Question]] = {}
    for question in state.questions:
        by_state.setdefault(question.state, []).append(question)
    return [
        ("pending", qa_rules.ordered(by_state.get("pending", []), "newest")[::-1]),
        ("approved", qa_rules.ordered(by_state.get("approved", []), "votes")),
        ("answered", qa_rules.ordered(by_state.get("answered", []), "votes")),
        ("hidden", qa_rules.ordered(by_state.get("hidden", []), "newest")),
        ("archived", qa_rules.ordered(by_state.get("archived", []), "newest")),
    ]


def queue_pages(state: RoomState, pages: Pages) -> list[tuple[QuestionState, Page]]:
    """Each group's page as ``pages`` ask (first pages where they do not)."""
    return [
        (group, qa_paging.page(questions, qa_paging.page_of(pages, group), QUEUE_PAGE_SIZE))
        for group, questions in queue_groups(state)
    ]


def moderator_queue(
    lang: Lang,
    state: RoomState,
    *,
    pages: Pages = (),
    undo: Undo | None = None,
    answer_error: AnswerError | None = None,
) -> RowList:
    """The queue, on the pages this moderator is on (``pages``), each shown question's row
    rendered once (``.html``: the whole queue for an HTTP answer; ``.regions()``: as pushed).
    ``undo`` and ``answer_error`` only in the answer to the moderator who acted."""
    ctx = {
        "state": state,
        "event": state.event,
        "room": state.room,
        "excerpt": excerpt,
        "state_labels": STATE_LABELS,
    }
    groups = queue_pages(state, pages)
    rows = tuple(
        Row(
            f"mod-q-{q.id}",
            render(
                lang,
                "fragments/mod_question.html",
                q=q,
                error=answer_error if answer_error and answer_error.question_id == q.id else None,
                **ctx,
            ),
            # What static/qa_queue.js counts as a row, until the row's own frame fills it.
            f'<li class="question mod-question qa-row" id="mod-q-{q.id}" data-qid="{q.id}"'
            f' data-state="{q.state}" aria-busy="true"></li>',
        )
        for _, shown in groups
        for q in shown.items
    )
    done_groups = [g for g in groups if g[0] in DONE_GROUPS]
    base = f"/e/{state.event.code}/moderate?room={state.room.id}"
    skeleton = render(
        lang,
        "fragments/mod_questions.html",
        open_groups=[g for g in groups if g[0] in OPEN_GROUPS],
        done_groups=done_groups,
        done_count=sum(shown.total for _, shown in done_groups),
        done_paged=any(shown.number > 1 for _, shown in done_groups),
        page_size=QUEUE_PAGE_SIZE,
        group_titles=GROUP_TITLES,
        page_url=lambda group, number: qa_paging.page_link(
            base, pages, group, number, f"qa-{group}-title"
        ),
        row=lambda q: hole(f"mod-q-{q.id}"),
        undo=undo,
        **ctx,
    )
    return RowList("mod-questions", skeleton, rows)


def moderator_question_regions(lang: Lang, state: RoomState, *, pages: Pages = ()) -> list[Region]:
    """The queue as the socket pushes it (live/views/frame_budget.py)."""
    return moderator_queue(lang, state, pages=pages).regions()
