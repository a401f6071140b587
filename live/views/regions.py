"""The renderer the fan-out uses: room state → live regions per view.

Each page view is made of regions with a stable DOM id (templates/fragments/). A region is rendered
once per (view, language, personal variant) and tick; the channel sends it only to sockets whose
last copy differs. Participants differ only in their own ballot (which button is marked, whether
"results after voting" are unlocked), so a room of 10,000 renders a handful of variants.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from live.domain import applause as applause_rules
from live.domain import mood as mood_rules
from live.domain import polls as poll_rules
from live.domain import qa_paging
from live.domain import questions as qa_rules
from live.domain.models import Ballot, Poll, Question, Results
from live.domain.screen import poll_choices, screen_content
from live.fanout.connection import Connection
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.i18n import Lang, parse_lang
from live.views import api
from live.views.countdown import (
    countdown_dict,
    json_countdown_region,
    moderator_countdown_region,
    overlay_countdown_region,
    screen_countdown_region,
)
from live.views.frame_budget import Row, RowList, hole
from live.views.ideas import (
    ideas_list_html,
    ideas_payload,
    json_ideas_region,
    moderator_ideas_region,
    own_waiting,
    participant_ideas_regions,
)
from live.views.pace import pace_dict, pace_regions
from live.views.qa_queue import moderator_question_regions
from live.views.question_json import (
    QuestionBodies,
    question_regions,
    snapshot_questions,
    with_own,
)
from live.views.screen import MODE_BUTTONS, MODE_LABELS
from live.views.surveys import moderator_surveys_region
from live.views.templating import render

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PollItem:
    """A poll as one reader sees it."""

    poll: Poll
    results: Results
    ballot: Ballot | None = None
    visible: bool = True  # may this reader see the distribution now?

    @property
    def voted(self) -> bool:
        return self.ballot is not None

    def chose(self, index: int) -> bool:
        return self.ballot is not None and index in self.ballot.choices

    def chose_value(self, value: int) -> bool:
        return self.ballot is not None and self.ballot.value == value

    def ranking_order(self) -> tuple[int, ...]:
        """A ranking form's order: the ranked options of the ballot first, in its order, then
        the others as listed."""
        ranked = self.ballot.ranking if self.ballot is not None else ()
        return ranked + tuple(i for i in range(len(self.poll.options)) if i not in ranked)

    def points_of(self, index: int) -> int:
        points = self.ballot.points if self.ballot is not None else ()
        return points[index] if index < len(points) else 0

    def points_spent(self) -> int:
        return sum(self.ballot.points) if self.ballot is not None else 0


def participant_polls(state: RoomState) -> tuple[Poll, ...]:
    """What the phone shows: open polls (newest first); with none open, the last closed one."""
    if state.open_polls:
        return state.open_polls
    closed = [p for p in state.polls if p.state == "closed"]
    if not closed:
        return ()
    return (max(closed, key=lambda p: (p.closed_at or p.created_at, p.id)),)


def participant_items(state: RoomState, participant_id: str | None) -> list[PollItem]:
    items = []
    for poll in participant_polls(state):
        ballot = state.ballots.get(poll.id, {}).get(participant_id) if participant_id else None
        items.append(
            PollItem(
                poll,
                state.results[poll.id],
                ballot,
                poll_rules.results_visible(poll, has_voted=ballot is not None),
            )
        )
    return items


def screen_item(poll: Poll, state: RoomState) -> PollItem:
    """The poll on the wall (domain.screen decided which one)."""
    return PollItem(poll, state.results[poll.id], None, poll_rules.results_on_screen(poll))


def _ballot_key(poll: Poll, ballot: Ballot | None) -> Hashable:
    if ballot is None:
        return None
    if poll.kind == "text":
        return True  # the form does not echo the text back; only "answered" matters
    return (ballot.choices, ballot.value, ballot.ranking, ballot.points)


# How many questions a page of the phone's live list shows: a room with 1,000 questions must not
# push half a megabyte to every phone on every upvote ("Weitere Fragen" pages on).
PARTICIPANT_LIST_LIMIT = 30


def _shown_to_author(question: Question) -> bool:
    # The author sees their own question while it waits and once it is public.
    return question.state == "pending" or question.state in qa_rules.PUBLIC_STATES


def own_questions(state: RoomState, participant_id: str | None) -> list[Question]:
    if participant_id is None:
        return []
    return [
        q for q in state.questions if qa_rules.is_own(q, participant_id) and _shown_to_author(q)
    ]


def questions_by_author(state: RoomState) -> dict[str, list[Question]]:
    """own_questions for every author at once (one pass instead of one per socket)."""
    by_author: dict[str, list[Question]] = {}
    for q in state.questions:
        if _shown_to_author(q):
            # Authors of merged duplicates see the question they went into as theirs too.
            for author in (q.participant_id, *q.co_authors):
                by_author.setdefault(author, []).append(q)
    return by_author


class PageRenderer:
    """Implements live.fanout.types.Renderer.

    Regions shared by many variants (the Q&A list) are memoised per tick: the channel asks once
    per personal variant, but a shared region is rendered once per state.
    """

    def __init__(self) -> None:
        self._memo_state: RoomState | None = None
        self._memo: dict[Hashable, object] = {}
        self._bodies = QuestionBodies()

    def _shared(self, state: RoomState, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per state (tick) and key, whichever socket asks first."""
        if state is not self._memo_state:
            self._memo_state, self._memo = state, {}
        if key not in self._memo:
            self._memo[key] = make()
        return cast("T", self._memo[key])

    def _own(self, state: RoomState, participant_id: str | None) -> list[Question]:
        if participant_id is None:
            return []
        by_author = self._shared(state, "by-author", lambda: questions_by_author(state))
        return by_author.get(participant_id, [])

    def personal_key(self, conn: Connection, state: RoomState) -> Hashable:
        # Called for every socket on every tick: keep it to lookups in per-tick memos.
        pid = conn.participant_id
        if conn.view == "participant":
            ballots = tuple(
                (p.id, _ballot_key(p, state.ballots.get(p.id, {}).get(pid) if pid else None))
                for p in self._shared(state, "participant-polls", lambda: participant_polls(state))
            )
            own = tuple((q.id, q.state, q.text, q.answer, q.upvotes) for q in self._own(state, pid))
            waiting = tuple(i.id for i in own_waiting(state, pid)) if state.ideas else ()
            return (ballots, own, conn.sort, conn.qa_pages, waiting)
        if conn.view == "moderator":
            return conn.qa_pages
        if conn.view == "overlay":
            return conn.parts
        if conn.view == "json":
            if conn.role == "moderator":
                return "moderator"
            if pid is None:
                return ()
            # Participants see their own pending questions besides the approved ones. (Read from
            # the memo directly: this runs for every phone on every tick, and the way through
            # _shared made a closure each time.)
            pending = self._memo.get("pending-by-author") if state is self._memo_state else None
            if pending is None:
                pending = self._shared(state, "pending-by-author", self._pending_keys(state))
            return cast("dict[str, tuple[str, ...]]", pending).get(pid, ())
        return None

    @staticmethod
    def _pending_keys(state: RoomState) -> Callable[[], dict[str, tuple[str, ...]]]:
        def make() -> dict[str, tuple[str, ...]]:
            pending: dict[str, tuple[str, ...]] = {}
            for author, own in questions_by_author(state).items():
                ids = tuple(q.id for q in own if q.state == "pending")
                if ids:
                    pending[author] = ids
            return pending

        return make

    def regions(self, conn: Connection, state: RoomState) -> list[Region]:
        lang: Lang = parse_lang(conn.lang) or "de"
        if conn.view == "json":
            moderator = conn.role == "moderator"
            # Only the questions can differ between participants (their own pending ones);
            # the rest is shared, the whole list too for everyone without pending questions.
            pending = [q for q in self._own(state, conn.participant_id) if q.state == "pending"]
            shared = self._shared(
                state, ("json", moderator), lambda: self._json_regions(state, moderator)
            )
            if moderator or not pending:
                return shared
            return with_own(state, self._bodies, shared, pending)
        if conn.view == "participant":
            sort = conn.sort if conn.sort in qa_rules.SORTS else "votes"
            pages = conn.qa_pages
            qa_list = self._shared(
                state,
                ("qa-list", lang, sort, pages),
                lambda: qa_list_rows(lang, state, sort, pages=pages).regions(),
            )
            ideas_list = self._shared(
                state,
                ("ideas-list", lang),
                lambda: Region("ideas-list", *(2 * (ideas_list_html(lang, state),))),
            )
            return [
                *participant_regions(lang, state, conn.participant_id),
                *qa_list,
                *qa_mine_rows(lang, state, conn.participant_id).regions(),
                *participant_ideas_regions(lang, state, conn.participant_id, ideas_list),
                *self.applause_regions(conn, state),
            ]
        if conn.view == "screen":
            return [
                *screen_regions(lang, state),
                *self.applause_regions(conn, state),
                mood_region(lang, state),
                screen_countdown_region(lang, state),
            ]
        if conn.view == "overlay":
            # The applause region always: the sound needs its level even where the meter is not
            # shown, and an applause-only tick renders it once per view and language, not per
            # overlay (live.fanout.delivery), so every overlay page holds the same #applause.
            return [*overlay_regions(lang, state, conn.parts), *self.applause_regions(conn, state)]
        return [
            *moderator_live_regions(lang, state),
            *moderator_question_regions(lang, state, pages=conn.qa_pages),
            *self.applause_regions(conn, state),
            mood_region(lang, state),
            *pace_regions(lang, state),
            moderator_screen_region(lang, state),
            moderator_countdown_region(lang, state),
            moderator_ideas_region(lang, state),
            moderator_surveys_region(lang, state),
        ]

    def _json_regions(self, state: RoomState, moderator: bool) -> list[Region]:
        regions = [
            *json_regions(state, moderator=moderator),
            *question_regions(state, self._bodies, moderator=moderator),
            self._shared(state, "json-applause", lambda: json_applause_region(state)),
            self._shared(state, "json-mood", lambda: json_mood_region(state)),
            json_countdown_region(state),
            json_ideas_region(state, moderator=moderator),
        ]
        if moderator:  # pace feedback is for the moderators (additive to interface v1)
            regions.append(_flat_update("pace", state, pace_dict(state)))
        return regions

    def applause_regions(self, conn: Connection, state: RoomState) -> list[Region]:
        if conn.view == "json":
            return [self._shared(state, "json-applause", lambda: json_applause_region(state))]
        lang: Lang = parse_lang(conn.lang) or "de"
        return [self._shared(state, ("applause", lang), lambda: applause_region(lang, state))]

    def snapshot(self, conn: Connection, state: RoomState) -> str:
        return api.dumps(
            snapshot_dict(
                state,
                self._bodies,
                moderator=conn.role == "moderator",
                participant_id=conn.participant_id,
            )
        )


def _visible_polls(state: RoomState, moderator: bool) -> list[Poll]:
    return [p for p in state.polls if poll_rules.visible_to(p, moderator=moderator)]


def snapshot_dict(
    state: RoomState,
    bodies: QuestionBodies,
    *,
    moderator: bool,
    participant_id: str | None = None,
) -> dict[str, Any]:
    """The socket's snapshot; its questions are the top of the list (live.views.question_json)."""
    return {
        "type": "snapshot",
        "version": state.version,
        "room": {
            **api.room_dict(state.room),
            "event": state.event.code,
            "question_labels": list(state.event.question_labels),
        },
        "polls": [
            api.poll_dict(p, state.results[p.id], moderator=moderator)
            for p in _visible_polls(state, moderator)
        ],
        **snapshot_questions(state, bodies, moderator=moderator, participant_id=participant_id),
        "applause": applause_dict(state),
        "mood": mood_dict(state),
        **({"pace": pace_dict(state)} if moderator else {}),
        "countdown": countdown_dict(state.room.countdown),
        # The idea board (issue 24): participants get its approved ideas while it is on.
        "ideas": ideas_payload(state, moderator=moderator)["ideas"],
    }


def json_regions(state: RoomState, *, moderator: bool) -> list[Region]:
    regions = []
    for poll in _visible_polls(state, moderator):
        body = api.dumps(api.poll_dict(poll, state.results[poll.id], moderator=moderator))
        frame = f'{{"type":"poll","version":{state.version},"poll":{body}}}'
        regions.append(Region(f"poll:{poll.id}", frame, body))
    return regions


def _html(key: str, html: str, children: tuple[str, ...] = ()) -> Region:
    return Region(key, html, html, children)


def participant_regions(lang: Lang, state: RoomState, participant_id: str | None) -> list[Region]:
    """The poll stage and, inside it, each poll's results as a region of its own.

    The stage is judged unchanged by its own markup only (the results stand in as placeholders):
    a vote by anyone else changes a results region, never the stage, so the phone gets just the
    new results and the form the participant is filling in (ticked boxes, typed text, the focus,
    a screen reader's place) is not touched. The stage is sent again only when the polls shown
    or this participant's own ballot change."""
    items = participant_items(state, participant_id)
    ctx = {"state": state, "event": state.event, "room": state.room}
    results = [
        _html(f"results-{i.poll.id}", render(lang, "fragments/results.html", item=i, **ctx))
        for i in items
    ]
    holes = {i.poll.id: f"<!--{r.key}-->" for i, r in zip(items, results, strict=True)}
    skeleton = render(lang, "fragments/participant_stage.html", items=items, holes=holes, **ctx)
    stage = skeleton
    for region in results:
        stage = stage.replace(f"<!--{region.key}-->", region.body, 1)
    children = tuple(r.key for r in results)
    return [Region("poll-stage", stage, skeleton, children), *results]


class AnswerStages:
    """The poll stage a page's vote is answered with, rendered once per tick and ballot.

    In a burst, thousands of answers share a handful of (tick, ballot) combinations: at 5,000
    phones, rendering the stage for each answer was a quarter of the server's time
    (docs/benchmarks.md). The stage depends on the event, the polls, their results and this
    participant's ballots only (``participant_regions``); the first three are held by identity,
    as the channel's state shares them until the next tick reads anew."""

    LIMIT = 256  # combinations kept per room: multiple-choice polls can make many
    ROOMS = 1024  # rooms kept (cleared whole when exceeded: deleted events' rooms go too)

    def __init__(self) -> None:
        # room id -> (the tick's event, room, polls and results; the stages rendered for it)
        self._rooms: dict[str, tuple[tuple[object, ...], dict[Hashable, str]]] = {}

    def stage(self, lang: Lang, state: RoomState, participant_id: str) -> str:
        basis = (state.event, state.room, state.polls, state.results, state.surveys)
        known = self._rooms.get(state.room.id)
        if known is None or any(a is not b for a, b in zip(known[0], basis, strict=True)):
            if known is None and len(self._rooms) >= self.ROOMS:
                self._rooms.clear()
            known = self._rooms[state.room.id] = (basis, {})
        stages = known[1]
        key = (
            lang,
            tuple(
                (p.id, _ballot_key(p, state.ballots.get(p.id, {}).get(participant_id)))
                for p in participant_polls(state)
            ),
        )
        html = stages.get(key)
        if html is None:
            if len(stages) >= self.LIMIT:
                stages.clear()
            html = stages[key] = participant_regions(lang, state, participant_id)[0].frame
        return html


def screen_regions(lang: Lang, state: RoomState) -> list[Region]:
    # What the wall shows follows the moderator's choice (live.views.screen); "auto" is the
    # behaviour from before there was a choice: the highlighted question, else the poll.
    content = screen_content(state.room, state.polls, state.questions, state.ideas)
    item = screen_item(content.poll, state) if content.poll is not None else None
    ctx = {
        "state": state,
        "event": state.event,
        "room": state.room,
        "content": content,
        "item": item,
        "question": content.question,
        "top_questions": list(content.top),
        "forums": state.forums or (),
    }
    results = render(lang, "fragments/screen_results.html", **ctx)
    stage = render(lang, "fragments/screen_stage.html", **ctx)
    return [_html("screen-stage", stage, ("screen-results",)), _html("screen-results", results)]


def overlay_regions(lang: Lang, state: RoomState, parts: tuple[str, ...]) -> list[Region]:
    """The stream overlay's live panels besides the applause, only those its page shows (a
    region without its element on the page would make htmx log an error): the poll on the
    projector and the highlighted question. The lower third follows the clock, not the room
    (the page asks for it; live/web/screen.py)."""
    regions = []
    if "results" in parts:
        content = screen_content(state.room, state.polls, state.questions, state.ideas)
        item = screen_item(content.poll, state) if content.poll is not None else None
        html = render(lang, "fragments/overlay_results.html", item=item, state=state)
        regions.append(_html("overlay-results", html))
    if "question" in parts:
        html = render(lang, "fragments/overlay_question.html", question=state.highlighted)
        regions.append(_html("overlay-question", html))
    if "countdown" in parts:
        regions.append(overlay_countdown_region(lang, state))
    return regions


def moderator_screen_region(lang: Lang, state: RoomState) -> Region:
    """The moderators' projector control: what the wall shows, the buttons that change it."""
    html = render(
        lang,
        "fragments/mod_screen.html",
        state=state,
        event=state.event,
        room=state.room,
        content=screen_content(state.room, state.polls, state.questions, state.ideas),
        mode_buttons=MODE_BUTTONS,
        mode_labels=MODE_LABELS,
        poll_choices=poll_choices(state.polls),
        text_choices=poll_choices(state.polls, text_only=True),
    )
    return _html("mod-screen", html)


def live_items(state: RoomState) -> list[PollItem]:
    """The console's live panel: the open polls (one, unless the room allows parallel polls),
    oldest opened first; with none open, the poll that closed last (its results are discussed
    next), else nothing."""
    running = sorted(
        (p for p in state.polls if p.state == "open"),
        key=lambda p: (p.opened_at or p.created_at, p.id),
    )
    if not running:
        closed = [p for p in state.polls if p.state == "closed"]
        running = [max(closed, key=lambda p: (p.closed_at or p.created_at, p.id))] if closed else []
    return [PollItem(p, state.results[p.id]) for p in running]


def moderator_live_regions(lang: Lang, state: RoomState) -> list[Region]:
    """The live panel (fragments/mod_live.html) with each poll's results as a region of its own,
    as on the phones (participant_regions): a vote changes only a results region, so the panel's
    selects and the focus in it are never replaced by a vote."""
    items = live_items(state)
    shown = screen_content(state.room, state.polls, state.questions, state.ideas).poll
    ctx = {
        "state": state,
        "event": state.event,
        "room": state.room,
        "on_screen_id": shown.id if shown is not None else None,
    }
    results = [
        _html(f"mod-results-{i.poll.id}", render(lang, "fragments/mod_results.html", item=i, **ctx))
        for i in items
    ]
    holes = {i.poll.id: f"<!--{r.key}-->" for i, r in zip(items, results, strict=True)}
    skeleton = render(lang, "fragments/mod_live.html", items=items, holes=holes, **ctx)
    panel = skeleton
    for region in results:
        panel = panel.replace(f"<!--{region.key}-->", region.body, 1)
    return [
        Region("mod-live", panel, skeleton, tuple(r.key for r in results)),
        *results,
    ]


def participant_question_list(state: RoomState, sort: str, number: int = 1) -> qa_paging.Page:
    """The shared live list: approved and answered questions, PARTICIPANT_LIST_LIMIT a page."""
    public = [q for q in state.questions if q.state in qa_rules.PUBLIC_STATES]
    return qa_paging.page(qa_rules.ordered(public, sort), number, PARTICIPANT_LIST_LIMIT)


def qa_list_rows(
    lang: Lang,
    state: RoomState,
    sort: str,
    upvoted: frozenset[str] = frozenset(),
    *,
    pages: qa_paging.Pages = (),
) -> RowList:
    """The phone's live list, a page of it, each question rendered once (``.html``: whole, for
    an HTTP answer; ``.regions()``: as pushed)."""
    shown = participant_question_list(state, sort, qa_paging.page_of(pages, qa_paging.PUBLIC_LIST))
    base = f"/e/{state.event.code}?room={state.room.id}&sort={sort}"
    ctx = {"state": state, "event": state.event, "room": state.room, "upvoted": upvoted}
    rows = tuple(
        Row(
            f"q-{q.id}",
            render(lang, "fragments/qa_item.html", q=q, **ctx),
            f'<li class="question" id="q-{q.id}" aria-busy="true"></li>',
        )
        for q in shown.items
    )
    skeleton = render(
        lang,
        "fragments/qa_list.html",
        questions=shown.items,
        shown=shown,
        total=shown.total,
        sort=sort,
        page_size=PARTICIPANT_LIST_LIMIT,
        page_url=lambda number: qa_paging.page_link(
            base, pages, qa_paging.PUBLIC_LIST, number, "qa-list"
        ),
        row=lambda q: hole(f"q-{q.id}"),
        **ctx,
    )
    return RowList("qa-list", skeleton, rows)


def qa_mine_rows(lang: Lang, state: RoomState, participant_id: str | None) -> RowList:
    """The participant's own questions (``.html``: whole; ``.regions()``: as pushed)."""
    ctx = {"state": state, "event": state.event, "room": state.room}
    mine = own_questions(state, participant_id)
    rows = tuple(
        Row(
            f"mine-{q.id}",
            # A co-author (a merged duplicate's) sees it as theirs; only the author deletes.
            render(
                lang,
                "fragments/qa_mine_item.html",
                q=q,
                deletable=qa_rules.can_delete(q, participant_id),
                **ctx,
            ),
            f'<li class="question" id="mine-{q.id}" aria-busy="true"></li>',
        )
        for q in mine
    )
    skeleton = render(
        lang, "fragments/qa_mine.html", mine=mine, row=lambda q: hole(f"mine-{q.id}"), **ctx
    )
    return RowList("qa-mine", skeleton, rows)


def applause_dict(state: RoomState) -> dict[str, Any]:
    reading = state.applause
    # Rounded for the wire only; the channel keeps the exact level for the next step.
    return {
        "level": round(reading.level, 3),
        "clappers": reading.clappers,
        "present": reading.present,
    }


def _flat_update(kind: str, state: RoomState, payload: dict[str, Any]) -> Region:
    """An update whose fields sit beside type and version, as the contract has it for applause
    and mood: {"type": kind, "version": V, **payload}. Judged unchanged by the payload alone."""
    body = api.dumps(payload)
    return Region(kind, f'{{"type":"{kind}","version":{state.version},{body[1:]}', body)


def json_applause_region(state: RoomState) -> Region:
    return _flat_update("applause", state, applause_dict(state))


def applause_region(lang: Lang, state: RoomState) -> Region:
    level = state.applause.level
    html = render(
        lang,
        "fragments/applause.html",
        level=round(level, 3),
        band=applause_rules.level_band(level),
        word=applause_rules.describe(level),
        reading=state.applause,
        via_stream=state.room.applause_via_stream,
    )
    return _html("applause", html)


def mood_dict(state: RoomState) -> dict[str, Any]:
    return {"counts": list(state.mood.counts), "average": state.mood.average}


def json_mood_region(state: RoomState) -> Region:
    return _flat_update("mood", state, mood_dict(state))


def _course_points(course: tuple[tuple[datetime, float], ...]) -> str:
    """SVG polyline points for the average per minute: x over 0..100 by time, y over 0..40
    (5 at the top, 1 at the bottom)."""
    if len(course) < 2:
        return ""
    start, end = course[0][0], course[-1][0]
    span = (end - start).total_seconds() or 1.0
    return " ".join(
        f"{100 * (at - start).total_seconds() / span:.1f},{40 - (avg - 1) * 10:.1f}"
        for at, avg in course
    )


def mood_region(lang: Lang, state: RoomState) -> Region:
    """The distribution for moderators and the projector (text first, bars as decoration)."""
    counts = state.mood.counts
    html = render(
        lang,
        "fragments/mood.html",
        mood=state.mood,
        percents=poll_rules.largest_remainder(counts),
        total=sum(counts),
        labels=mood_rules.MOOD_LABELS,
        course=state.mood_course,
        course_points=_course_points(state.mood_course),
    )
    return _html("mood", html)
