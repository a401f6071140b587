"""Self-paced survey use cases (issue 24; rules in live/domain/surveys.py): create (from given
questions or a template), open and close (every question with it), progress, a participant's
own answers, and the results per question. Answers are the polls' ordinary votes
(PollService.vote): a survey adds no write path of its own for participants.

Every write goes: domain rule → store (durable) → hub.publish ("the room changed").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from live.domain import blocklist
from live.domain import polls as poll_rules
from live.domain import surveys as rules
from live.domain.errors import DomainError
from live.domain.models import Ballot, Event, Poll, Results, Room, Survey
from live.domain.text import _n
from live.errors import NotFound
from live.hub import Hub
from live.ids import Ids
from live.service.changes import publish_change
from live.service.clock import Clock
from live.store import Store

# The questions' phones see no distribution per question while the survey runs (an
# evaluation is not swayed by the others' answers); the report and the moderators have them.
QUESTION_VISIBILITY = "after_close"


def survey_not_found() -> NotFound:
    return NotFound("survey_not_found", _n("Diese Umfrage gibt es nicht."))


def template_questions(
    template: rules.SurveyTemplate, translate: Callable[[str], str]
) -> tuple[str, list[dict[str, object]]]:
    """A template's title and questions in the reader's language, as create() takes them."""
    questions: list[dict[str, object]] = []
    for q in template.questions:
        body: dict[str, object] = {"question": translate(q.question), "kind": q.kind}
        if q.kind in ("single", "multiple"):
            body["options"] = [translate(o) for o in q.options]
        if q.kind == "scale":
            body["min"], body["max"] = q.scale_min, q.scale_max
            if q.scale_min_label:
                body["min_label"] = translate(q.scale_min_label)
            if q.scale_max_label:
                body["max_label"] = translate(q.scale_max_label)
        questions.append(body)
    return translate(template.title), questions


class SurveyService:
    def __init__(self, store: Store, hub: Hub, ids: Ids, clock: Clock) -> None:
        self.store = store
        self.hub = hub
        self.ids = ids
        self.clock = clock

    # --- reading ----------------------------------------------------------------------------

    async def survey(self, event: Event, survey_id: object, *, moderator: bool = True) -> Survey:
        """The event's survey; without ``moderator`` a draft is not found."""
        found = (
            await self.store.get_survey(event.code, survey_id)
            if isinstance(survey_id, str)
            else None
        )
        if found is None or (not moderator and found.state == "draft"):
            raise survey_not_found()
        return found

    async def surveys(self, event: Event, room: Room | None = None) -> list[Survey]:
        found = await self.store.list_surveys(event.code)
        return [s for s in found if room is None or s.room_id == room.id]

    async def polls(self, survey: Survey) -> list[Poll]:
        """The survey's questions in order."""
        return in_order(survey, await self.store.list_polls(survey.room_id))

    async def progress(self, survey: Survey) -> rules.Progress:
        return rules.progress(survey, await self.store.ballots(list(survey.poll_ids)))

    async def mine(self, survey: Survey, participant_id: str) -> Mapping[str, Ballot]:
        """The participant's answers so far: poll id -> ballot."""
        return await self.store.participant_ballots(participant_id, list(survey.poll_ids))

    async def results(self, survey: Survey, event: Event) -> list[tuple[Poll, Results]]:
        found = []
        for poll in await self.polls(survey):
            tally = await self.store.tally(poll)
            found.append((poll, poll_rules.results(poll, tally, blocklist.for_event(event))))
        return found

    # --- moderators -------------------------------------------------------------------------

    async def create(self, event: Event, room: Room, *, title: object, questions: object) -> Survey:
        """A draft survey with its questions (each like a poll's body: "question", "kind",
        "options", "min", "max", "min_label", "max_label", "max_answers"). Every question is
        checked before anything is stored."""
        now = self.clock.now()
        checked = rules.check_questions(questions)
        polls: list[Poll] = []
        for body in checked:
            polls.append(
                poll_rules.new_poll(
                    poll_id=self.ids.object_id(),
                    event_code=event.code,
                    room_id=room.id,
                    question=body.get("question"),
                    kind=body.get("kind"),
                    options=body.get("options", ()),
                    scale_min=body.get("min"),
                    scale_max=body.get("max"),
                    scale_min_label=body.get("min_label"),
                    scale_max_label=body.get("max_label"),
                    max_answers=body.get("max_answers"),
                    visibility=QUESTION_VISIBILITY,
                    screen_results="after_close",
                    now=now,
                )
            )
        survey, marked = rules.new_survey(
            survey_id=self.ids.object_id(),
            event_code=event.code,
            room_id=room.id,
            title=title,
            polls=polls,
            now=now,
        )
        version = await self.store.add_survey(survey, marked)
        await publish_change(self.hub, room.id, "survey.updated", version, survey=survey.id)
        return survey

    async def open(self, event: Event, survey_id: object) -> Survey:
        survey = await self.survey(event, survey_id)
        return await self._save(survey, rules.open_survey(survey, self.clock.now()))

    async def close(self, event: Event, survey_id: object) -> Survey:
        survey = await self.survey(event, survey_id)
        return await self._save(survey, rules.close_survey(survey, self.clock.now()))

    async def change(self, event: Event, survey_id: object, fields: Mapping[str, object]) -> Survey:
        """PATCH: any of "title", "state" ("open"/"closed"); all checked before the write."""
        survey = await self.survey(event, survey_id)
        changed = survey
        if "title" in fields:
            changed = rules.retitle(changed, fields["title"])
        if "state" in fields:
            state = fields["state"]
            if state == "open":
                changed = rules.open_survey(changed, self.clock.now())
            elif state == "closed":
                changed = rules.close_survey(changed, self.clock.now())
            else:
                msg = _n("Der Zustand einer Umfrage ist „open“ oder „closed“.")
                raise DomainError("invalid_state", msg)
        return await self._save(survey, changed)

    async def _save(self, before: Survey, after: Survey) -> Survey:
        if after == before:
            return before  # idempotent: a second click changes and publishes nothing
        version = await self.store.save_survey(after)
        await publish_change(self.hub, after.room_id, "survey.updated", version, survey=after.id)
        return after


def in_order(survey: Survey, polls: Sequence[Poll]) -> list[Poll]:
    """The survey's questions among ``polls``, in the survey's order."""
    by_id = {p.id: p for p in polls}
    return [by_id[i] for i in survey.poll_ids if i in by_id]
