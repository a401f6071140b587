"""Self-paced surveys on the pages (issue 24): the console's card (fragments/mod_surveys.html,
a region pushed with every change: the started and finished counts are live), the phone's
card in the poll stage, and the steps of the survey page (templates/survey.html)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from live.domain import polls as poll_rules
from live.domain import surveys as rules
from live.domain.models import Ballot, Poll, Survey
from live.fanout.state import RoomState
from live.fanout.types import Region
from live.i18n import Lang
from live.views.templating import render


def open_surveys(state: RoomState) -> list[Survey]:
    """What the phone offers: the room's open surveys, oldest first."""
    return [s for s in state.surveys if s.state == "open"]


def moderator_surveys_region(lang: Lang, state: RoomState) -> Region:
    html = render(
        lang,
        "fragments/mod_surveys.html",
        event=state.event,
        room=state.room,
        surveys=state.surveys,
        progress=state.survey_progress,
        templates=rules.TEMPLATES,
    )
    return Region("mod-surveys", html, html)


@dataclass(frozen=True, slots=True)
class Step:
    """One screen of the survey page: a question (``number`` 1..total) or the end."""

    survey: Survey
    polls: tuple[Poll, ...]
    number: int
    mine: Mapping[str, Ballot]

    @property
    def total(self) -> int:
        return len(self.polls)

    @property
    def poll(self) -> Poll | None:
        return self.polls[self.number - 1] if self.number <= self.total else None

    @property
    def ballot(self) -> Ballot | None:
        poll = self.poll
        return self.mine.get(poll.id) if poll is not None else None

    @property
    def answered(self) -> int:
        return sum(1 for p in self.polls if p.id in self.mine)

    @property
    def done(self) -> bool:
        return self.number > self.total

    def chose(self, index: int) -> bool:
        ballot = self.ballot
        return ballot is not None and index in ballot.choices

    def chose_value(self, value: int) -> bool:
        ballot = self.ballot
        return ballot is not None and ballot.value == value

    def text(self, index: int) -> str:
        ballot = self.ballot
        if ballot is None or index >= len(ballot.texts):
            return ""
        return ballot.texts[index]


def step_context(step: Step) -> dict[str, Any]:
    poll = step.poll
    return {
        "step": step,
        "survey": step.survey,
        "poll": poll,
        "scale": poll_rules.scale_values(poll) if poll is not None and poll.kind == "scale" else (),
    }
