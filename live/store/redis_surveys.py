"""Self-paced surveys in the Redis store (issue 24; live/domain/surveys.py).

A mixin of RedisStore (redis.py, which describes the key layout). The event's surveys are one
hash ``P:{code}:surveys`` (survey id -> the survey as JSON: a handful per event, read whole by
the room's tick), deleted with the event. The questions are ordinary poll hashes with a
``survey_id`` field. add_survey adds the polls one by one (each with its own claim, as
add_poll) and then the survey: until the survey is written its polls are drafts that every
list leaves out (they carry survey_id), so a crash in between leaves nothing visible.
save_survey writes the survey and its polls' state in one script.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, cast

import orjson

from live.domain.models import Poll, Survey, SurveyState
from live.store.base import DuplicateKey, StoreError
from live.store.redis_codec import check_reply, translate_errors
from live.store.redis_questions import _Core
from live.store.redis_scripts import Lua
from live.store.sqlite_schema import from_iso, opt_from_iso, opt_iso, to_iso

_STATES = ("draft", "open", "closed")

# KEYS: 1 surveys of the event (hash), 2 room, then the hash of every question of the survey
# ARGV: 1 survey id, 2 survey JSON, 3 '1' when adding (refused if the id is known), 4 state,
#       5 opened_at, 6 closed_at ('' for none)
# Reply: {'ok', room version} | {'duplicate'} | {'missing', 'survey'|'room'|'poll'}
SAVE_SURVEY = Lua(
    """
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', 'room'} end
local known = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if ARGV[3] == '1' and known then return {'duplicate'} end
if ARGV[3] ~= '1' and not known then return {'missing', 'survey'} end
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then return {'missing', 'poll'} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
-- The questions follow the survey: open and closed together, in this same step.
for i = 3, #KEYS do
  redis.call('HSET', KEYS[i], 'state', ARGV[4])
  local stamps = {opened_at = ARGV[5], closed_at = ARGV[6]}
  for name, value in pairs(stamps) do
    if value == '' then
      redis.call('HDEL', KEYS[i], name)
    else
      redis.call('HSET', KEYS[i], name, value)
    end
  end
end
return {'ok', redis.call('HINCRBY', KEYS[2], 'version', 1)}
"""
)


def survey_json(survey: Survey) -> str:
    if survey.state not in _STATES:
        raise ValueError(f"survey {survey.id!r}: bad state")
    return orjson.dumps(
        {
            "id": survey.id,
            "event_code": survey.event_code,
            "room_id": survey.room_id,
            "title": survey.title,
            "state": survey.state,
            "poll_ids": list(survey.poll_ids),
            "created_at": to_iso(survey.created_at),
            "opened_at": opt_iso(survey.opened_at),
            "closed_at": opt_iso(survey.closed_at),
        }
    ).decode()


def survey_from_json(text: str) -> Survey:
    data: Mapping[str, Any] = orjson.loads(text)
    return Survey(
        id=data["id"],
        event_code=data["event_code"],
        room_id=data["room_id"],
        title=data["title"],
        state=cast("SurveyState", data["state"]),  # written by survey_json only
        poll_ids=tuple(data["poll_ids"]),
        created_at=from_iso(data["created_at"]),
        opened_at=opt_from_iso(data["opened_at"]),
        closed_at=opt_from_iso(data["closed_at"]),
    )


class _SurveysCore(_Core, Protocol):
    async def add_poll(self, poll: Poll) -> int: ...


class RedisSurveys:
    async def add_survey(self: _SurveysCore, survey: Survey, polls: Sequence[Poll]) -> int:
        if [p.id for p in polls] != list(survey.poll_ids) or any(
            p.survey_id != survey.id or p.room_id != survey.room_id for p in polls
        ):
            raise ValueError(f"survey {survey.id!r}: polls do not match")
        text = survey_json(survey)
        with translate_errors("add_survey"):
            known = await self._redis().hexists(self._key(survey.event_code, "surveys"), survey.id)
        if known:
            raise DuplicateKey(f"survey {survey.id!r} already exists")
        for poll in polls:
            await self.add_poll(poll)
        return await _save(self, survey, text, adding=True)

    async def get_survey(self: _Core, event_code: str, survey_id: str) -> Survey | None:
        with translate_errors("get_survey"):
            found = await self._redis().hget(self._key(event_code, "surveys"), survey_id)
        return None if found is None else survey_from_json(cast("str", found))

    async def list_surveys(self: _Core, event_code: str) -> list[Survey]:
        with translate_errors("list_surveys"):
            rows = await self._redis().hgetall(self._key(event_code, "surveys"))
        surveys = [survey_from_json(text) for text in cast("dict[str, str]", rows).values()]
        return sorted(surveys, key=lambda s: (s.created_at, s.id))

    async def save_survey(self: _Core, survey: Survey) -> int:
        return await _save(self, survey, survey_json(survey), adding=False)


async def _save(core: _Core, survey: Survey, text: str, *, adding: bool) -> int:
    code = survey.event_code
    keys = [core._key(code, "surveys"), core._key(code, "room", survey.room_id)]
    keys += [core._key(code, "poll", poll_id) for poll_id in survey.poll_ids]
    args = [
        survey.id,
        text,
        "1" if adding else "0",
        survey.state,
        opt_iso(survey.opened_at) or "",
        opt_iso(survey.closed_at) or "",
    ]
    with translate_errors("save_survey"):
        reply = await core._run(SAVE_SURVEY, keys, args)
    if reply and reply[0] == "missing":
        raise StoreError(f"survey {survey.id!r}: unknown {reply[1]}")
    return int(check_reply(reply, f"survey {survey.id!r}")[1])
