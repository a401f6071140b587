"""Lua scripts of the Redis store (see redis.py for the key layout).

Every write that touches more than one key is one of these scripts: Redis runs a script to the
end before it serves any other command, so its reads and writes are atomic and no other client
can interleave. All keys a script receives belong to one event (one ``{code}`` hash tag, one
Cluster slot); the scripts never build key names themselves, so the keys they touch are exactly
the declared KEYS, as Redis Cluster requires.

Only plain commands that Valkey has as well (EXISTS, HSET, HINCRBY, SADD, ZADD, ...), no modules
and no functions. Since Redis 7 the effects of a script are replicated and written to the AOF,
not the script itself, so reading TIME or other non-deterministic input would be allowed, but
none of these scripts needs it: the room version is the clock.

Replies are arrays whose first element is a status the Python side maps to a result or an
exception: 'ok', 'seen' (repeated request id), 'not_open' / 'closed' (with the state), 'too_soon',
'missing' (with what is missing), 'duplicate', 'retry' (the rooms changed under the caller).
Statuses instead of error replies: an error reply would be a ResponseError, indistinguishable
from a real server error without parsing its message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# How long a request id is remembered after the participant's last write with one (the EXPIRE
# of the ``req`` hash in the scripts below). Clients retry within seconds (reconnects); a week
# also covers a laptop that wakes up the next morning.
REQUEST_TTL = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Lua:
    source: str
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        # The SHA1 of the exact bytes, as EVALSHA and SCRIPT LOAD compute it.
        object.__setattr__(self, "sha", hashlib.sha1(self.source.encode()).hexdigest())


# KEYS: event, rooms (set of room ids), claims of the event (set), then one room hash per room.
# ARGV: create ('1': create the event, which must not exist; '0': the event must exist),
#       title, created_at, moderator_token_hash, questions_need_approval, names_allowed
#       ('1'/'0'), starts_on, ends_on, brand_color ('' = none; all eight ignored unless
#       create), then per room: id, name, position, screen mode, room token hash ('' = none),
#       parallel polls ('1'/'0'), applause via the stream ('1'/'0').
# Reply: {'ok'} | {'duplicate'} | {'missing', 'event'}
CREATE_ROOMS = Lua(
    """
if ARGV[1] == '1' then
  if redis.call('EXISTS', KEYS[1]) == 1 then return {'duplicate'} end
elseif redis.call('EXISTS', KEYS[1]) == 0 then
  return {'missing', 'event'}
end
-- The room ids were claimed in the global index before this script ran: note the claims in
-- the event, so delete_event finds them (also those of a refused duplicate below).
for i = 4, #KEYS do
  redis.call('SADD', KEYS[3], 'room:' .. ARGV[10 + (i - 4) * 7])
end
-- A room hash that exists anyway was made by an earlier attempt with the same claim (a retry
-- after a lost reply): that is a duplicate, and overwriting it would reset its version.
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return {'duplicate'} end
end
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'title', ARGV[2], 'created_at', ARGV[3],
             'moderator_token_hash', ARGV[4], 'questions_need_approval', ARGV[5],
             'names_allowed', ARGV[6])
  -- Absent fields are None (the days and the colour are optional).
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'starts_on', ARGV[7]) end
  if ARGV[8] ~= '' then redis.call('HSET', KEYS[1], 'ends_on', ARGV[8]) end
  if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'brand_color', ARGV[9]) end
end
for i = 4, #KEYS do
  local a = 10 + (i - 4) * 7
  redis.call('HSET', KEYS[i], 'id', ARGV[a], 'name', ARGV[a + 1], 'position', ARGV[a + 2],
             'version', 1)
  -- screen_mode is absent while it is 'auto' (the default), the token while there is none,
  -- parallel_polls and applause_via_stream while they are off.
  if ARGV[a + 3] ~= 'auto' then redis.call('HSET', KEYS[i], 'screen_mode', ARGV[a + 3]) end
  if ARGV[a + 4] ~= '' then
    redis.call('HSET', KEYS[i], 'moderator_token_hash', ARGV[a + 4])
  end
  if ARGV[a + 5] == '1' then redis.call('HSET', KEYS[i], 'parallel_polls', '1') end
  if ARGV[a + 6] == '1' then redis.call('HSET', KEYS[i], 'applause_via_stream', '1') end
  redis.call('SADD', KEYS[2], ARGV[a])
end
return {'ok'}
"""
)

# KEYS: event, participants (id -> token hash), tokens (token hash -> id), joined (id ->
#       created_at), joins (sorted set: id by created_at in microseconds)
# ARGV: participant id, token hash, created_at ('' = unknown), the same in microseconds
# Reply: {'ok'} | {'duplicate'} | {'missing', 'event'}
ADD_PARTICIPANT = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
-- Both directions are unique within the event, like the SQL primary key and UNIQUE constraint.
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1
then
  return {'duplicate'}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
  redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1])
end
return {'ok'}
"""
)

# Read-only: the creation times (microseconds) of the poll's voters created at or after a
# moment, oldest first. Through the joins index: only the recent identities are looked at.
# KEYS: joins (sorted set), ballots of the poll (hash)
# ARGV: since (microseconds)
# Reply: {microseconds, ...}
VOTERS_SINCE = Lua(
    """
local found = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'WITHSCORES')
local reply = {}
for i = 1, #found, 2 do
  if redis.call('HEXISTS', KEYS[2], found[i]) == 1 then reply[#reply + 1] = found[i + 1] end
end
return reply
"""
)

# KEYS: event
# ARGV: the secret ('' = none: the field is removed)
# Reply: {'ok'} | {'missing', 'event'}
SET_JOIN_CODE_SECRET = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[1], 'join_code_secret')
else
  redis.call('HSET', KEYS[1], 'join_code_secret', ARGV[1])
end
return {'ok'}
"""
)

# KEYS: event, room, polls of the room (set), poll, claims of the event (set), and with an
#       agenda item: its hash and its prepared polls (set)
# ARGV: poll id, then field, value, field, value, ... of the poll hash
# Reply: {'ok', room version} | {'duplicate'} | {'missing', 'event' | 'room' | 'agenda item'}
ADD_POLL = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
-- The claim of the poll id (global index): noted in the event for delete_event.
redis.call('SADD', KEYS[5], 'poll:' .. ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', 'room'} end
if redis.call('EXISTS', KEYS[4]) == 1 then return {'duplicate'} end
-- A poll prepared for an agenda item: the item must exist (SQLite: a foreign key), and it
-- knows its polls, so deleting it can unlink them.
if #KEYS == 7 then
  if redis.call('EXISTS', KEYS[6]) == 0 then return {'missing', 'agenda item'} end
  redis.call('SADD', KEYS[7], ARGV[1])
end
redis.call('HSET', KEYS[4], unpack(ARGV, 2))
redis.call('SADD', KEYS[3], ARGV[1])
return {'ok', redis.call('HINCRBY', KEYS[2], 'version', 1)}
"""
)

# KEYS: poll, room (the one the poll belongs to, from the immutable index)
# ARGV: poll id, state, visibility, opened_at, closed_at ('' = none), screen_results,
#       joined_before_only ('1'/'0')
# Reply: {'ok', room version} | {'missing', 'poll'}
UPDATE_POLL = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'poll'} end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'visibility', ARGV[3], 'screen_results', ARGV[6])
redis.call('HSET', KEYS[1], 'joined_before_only', ARGV[7])
-- Absent fields are None; an empty string would read back as a (broken) datetime.
local stamps = {opened_at = ARGV[4], closed_at = ARGV[5]}
for name, value in pairs(stamps) do
  if value == '' then
    redis.call('HDEL', KEYS[1], name)
  else
    redis.call('HSET', KEYS[1], name, value)
  end
end
-- Opening a poll puts it on the projector in the same step (what the room shows changes once),
-- and the screen back to 'auto' (an absent screen_mode), whatever the moderator had chosen.
if ARGV[2] == 'open' then
  redis.call('HSET', KEYS[2], 'screen_poll_id', ARGV[1])
  redis.call('HDEL', KEYS[2], 'screen_mode')
end
return {'ok', redis.call('HINCRBY', KEYS[2], 'version', 1)}
"""
)

# KEYS: 1 poll, 2 room (the one the poll belongs to, from the immutable index), 3 polls of the
#       room (set), then the hash of every poll in that set (the caller read it: a script
#       never builds key names)
# ARGV: 1 poll id, 2 visibility, 3 opened_at, 4 screen_results, then the ids of the polls in
#       KEYS order from KEYS[4] on
# Reply: {'ok', room version, closed poll id, ...} | {'retry'} | {'missing', 'poll'}
OPEN_POLL = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'poll'} end
-- The other polls are closed only if their keys are all here: a poll added since the caller
-- read the set means 'retry' (it may be open already), before anything is written.
if redis.call('SCARD', KEYS[3]) ~= #KEYS - 3 then return {'retry'} end
for i = 5, #ARGV do
  if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then return {'retry'} end
end
redis.call('HSET', KEYS[1], 'state', 'open', 'visibility', ARGV[2], 'opened_at', ARGV[3],
           'screen_results', ARGV[4])
redis.call('HDEL', KEYS[1], 'closed_at')
local reply = {'ok', 0}
-- In the same script as the open: of two opens at the same moment, the one that runs second
-- closes the first one's poll, so never two stay open. Closed at the moment of the open.
if redis.call('HGET', KEYS[2], 'parallel_polls') ~= '1' then
  for i = 4, #KEYS do
    local id = ARGV[i + 1]
    -- A survey's questions open and close with their survey only.
    if id ~= ARGV[1] and redis.call('HGET', KEYS[i], 'state') == 'open'
       and redis.call('HEXISTS', KEYS[i], 'survey_id') == 0 then
      redis.call('HSET', KEYS[i], 'state', 'closed', 'closed_at', ARGV[3])
      reply[#reply + 1] = id
    end
  end
end
redis.call('HSET', KEYS[2], 'screen_poll_id', ARGV[1])
redis.call('HDEL', KEYS[2], 'screen_mode')
reply[2] = redis.call('HINCRBY', KEYS[2], 'version', 1)
return reply
"""
)

# KEYS: poll, room (the one the poll belongs to, from the immutable index), hidden entries of
#       the poll (hash: "<kind>:<case-folded entry>" -> entry as shown)
# ARGV: field, entry as shown, '1' to hide / '0' to show again
# Reply: {'ok', room version} | {'missing', 'poll'}
SET_HIDDEN = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'poll'} end
-- A hash field per entry: set membership, so two moderators hiding at once never undo each
-- other; hiding again only updates the spelling shown.
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
else
  redis.call('HDEL', KEYS[3], ARGV[1])
end
return {'ok', redis.call('HINCRBY', KEYS[2], 'version', 1)}
"""
)

# The hot path: one EVALSHA per vote.
# KEYS: 1 poll, 2 room, 3 ballots (participant -> stored ballot), 4 counts (counter -> n),
#       5 texts (sorted set: participant by the room version of its last text), 6 joined
#       (participant -> created_at), 7 requests of this participant in this event (hash:
#       request id -> poll id), 8 the event's voters (set of participant ids with keys of
#       their own, for delete_event); 7 and 8 only present when the vote carries a request id.
# ARGV: 1 participant id, 2 stored ballot ("<counters>|<json>"), 3 counters of the new ballot
#       (space-separated, e.g. "c:0 c:2", "v:-1" or "s:0*60 c:0"; see ballot_counters),
#       4 '1' if the ballot has texts, 5 request id, 6 poll id, 7 request TTL in seconds
#       (5-7 only with KEYS[7] and [8])
# Reply: {'ok', version} | {'seen', version} | {'not_open', state} | {'joined_after'} |
#        {'missing', 'poll'}
CAST_VOTE = Lua(
    """
-- (1) A request id seen before: the earlier vote counted, this one changes nothing. Checked
-- before the state, so a retry after the poll closed is still acknowledged (the client lost
-- the answer, not the vote).
if #KEYS == 8 and redis.call('HEXISTS', KEYS[7], ARGV[5]) == 1 then
  return {'seen', tonumber(redis.call('HGET', KEYS[2], 'version'))}
end
-- (2) Only an open poll takes votes. Nothing has been written yet, so a refused request id is
-- not recorded and stays usable once the poll opens again.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', 'poll'} end
if state ~= 'open' then return {'not_open', state} end
-- (2b) A poll for those who joined before it opened: an identity created later counts
-- nothing. Fixed-width ISO text, so comparing the strings compares the moments; an identity
-- of unknown creation time joined before the store kept it.
if redis.call('HGET', KEYS[1], 'joined_before_only') == '1' then
  local joined = redis.call('HGET', KEYS[6], ARGV[1])
  local opened = redis.call('HGET', KEYS[1], 'opened_at')
  if joined and opened and joined > opened then return {'joined_after'} end
end
-- (3) Upsert the ballot and move the counters from the old ballot to the new one, so that the
-- counts always equal a recount of the ballots hash. The counter names were computed by the
-- caller and stored in front of the ballot: no JSON parsing here, and an old ballot is undone
-- with exactly the counters it added.
local old = redis.call('HGET', KEYS[3], ARGV[1])
local old_counters = ''
if old then old_counters = string.sub(old, 1, string.find(old, '|', 1, true) - 1) end
if old_counters ~= ARGV[3] then
  -- "name" counts one, "name*n" counts n (a points ballot's sums).
  local function move(counters, sign)
    for token in string.gmatch(counters, '%S+') do
      local name, amount = string.match(token, '^(.-)%*(%d+)$')
      if name then
        redis.call('HINCRBY', KEYS[4], name, sign * tonumber(amount))
      else
        redis.call('HINCRBY', KEYS[4], token, sign)
      end
    end
  end
  move(old_counters, -1)
  move(ARGV[3], 1)
end
-- The number of voters is HLEN of this hash: no separate counter to keep in step.
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
-- (5, before 4 because the text order needs it) The room version is strictly increasing per
-- room, so it also orders the texts by last change, like SQLite's ORDER BY updated_at.
local version = redis.call('HINCRBY', KEYS[2], 'version', 1)
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[5], version, ARGV[1])
else
  redis.call('ZREM', KEYS[5], ARGV[1])
end
-- (4) Remember the request id. The TTL is on the participant's whole hash and renewed with
-- every vote, so an id is kept at least that long after the participant's last vote.
if #KEYS == 8 then
  redis.call('HSET', KEYS[7], ARGV[5], ARGV[6])
  redis.call('EXPIRE', KEYS[7], ARGV[7])
  redis.call('SADD', KEYS[8], ARGV[1])
end
return {'ok', version}
"""
)

# Read-only: the text answers in order of last change, in one consistent snapshot.
# KEYS: ballots, texts
# Reply: {voters, stored ballot, stored ballot, ...}
TALLY_TEXT = Lua(
    """
local reply = {redis.call('HLEN', KEYS[1])}
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
-- HMGET in slices: unpack() of tens of thousands of ids would overflow the Lua C stack.
for start = 1, #ids, 1000 do
  local stop = math.min(start + 999, #ids)
  local stored = redis.call('HMGET', KEYS[1], unpack(ids, start, stop))
  for i = 1, #stored do
    if stored[i] then reply[#reply + 1] = stored[i] end
  end
end
return reply
"""
)

# --- Q&A --------------------------------------------------------------------------------------

# KEYS: event, rooms (set of room ids), then the hash of each of those rooms
# ARGV: questions_need_approval, names_allowed ('1'/'0'), then the room ids in KEYS order
# Reply: {'ok', room id, position, version, room id, position, version, ...}
#        | {'retry'} | {'missing', 'event'}
UPDATE_EVENT_SETTINGS = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
-- The caller read the room ids just before (a script cannot name keys it was not given).
-- Rooms are never removed, so the same number of rooms, all of them members, is the same set;
-- a room added in between would miss its version bump: the caller reads again and retries.
if redis.call('SCARD', KEYS[2]) ~= #KEYS - 2 then return {'retry'} end
for i = 3, #ARGV do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then return {'retry'} end
end
redis.call('HSET', KEYS[1], 'questions_need_approval', ARGV[1], 'names_allowed', ARGV[2])
local reply = {'ok'}
for i = 3, #KEYS do
  reply[#reply + 1] = ARGV[i]
  reply[#reply + 1] = redis.call('HGET', KEYS[i], 'position')
  reply[#reply + 1] = redis.call('HINCRBY', KEYS[i], 'version', 1)
end
return reply
"""
)

# KEYS: room, questions of the room (sorted set)
# ARGV: question id ('' = highlight none)
# Reply: {'ok', room version} | {'missing', 'room' | 'question'}
SET_HIGHLIGHT = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[1], 'highlighted_question_id')
else
  -- Only a question of this very room (SQLite: a composite foreign key).
  if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return {'missing', 'question'} end
  redis.call('HSET', KEYS[1], 'highlighted_question_id', ARGV[1])
end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: 1 event, 2 room, 3 questions of the room (sorted set: id scored by created_at in
#       microseconds since the epoch), 4 question, 5 the questions of this participant in this
#       event (sorted set, scored the same way: the rate limit), 6 the event's voters (set),
#       7 claims of the event (set), 8 requests of this participant in this event (the hash
#       cast_vote uses; only present when the call has a request id)
# ARGV: 1 question id, 2 created_at (microseconds), 3 not_before (microseconds; '' = no rate
#       limit), 4 request id, 5 request TTL in seconds (4-5: '' without KEYS[8]),
#       6 the author (participant id), then field, value, field, value, ... of the question hash
# Reply: {'ok', version} | {'seen', version} | {'too_soon'} | {'duplicate'}
#        | {'missing', 'event' | 'room'}
ADD_QUESTION = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
-- The claim of the question id (global index): noted in the event for delete_event, also when
-- the question is refused below.
redis.call('SADD', KEYS[7], 'question:' .. ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', 'room'} end
-- (1) A request id seen before: the question was added, this call changes nothing. Checked
-- before the rate limit: the retry of an added question is not too soon after itself.
if #KEYS == 8 and redis.call('HEXISTS', KEYS[8], ARGV[4]) == 1 then
  return {'seen', tonumber(redis.call('HGET', KEYS[2], 'version'))}
end
-- (2) The rate limit, in the same step as the insert: of two questions racing, one is refused.
-- Any question of the participant in the event created at or after not_before; deleted ones
-- no longer count. Microseconds since 1970 stay below 2^53 (exact as doubles) until 2255.
if ARGV[3] ~= '' and redis.call('ZCOUNT', KEYS[5], ARGV[3], '+inf') > 0 then
  return {'too_soon'}
end
if redis.call('EXISTS', KEYS[4]) == 1 then return {'duplicate'} end
-- (3) Insert; nothing was written before this point (but the claim's note).
redis.call('HSET', KEYS[4], unpack(ARGV, 7))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
-- The author has keys of their own now (asked, maybe req): delete_event finds them here.
redis.call('SADD', KEYS[6], ARGV[6])
local version = redis.call('HINCRBY', KEYS[2], 'version', 1)
if #KEYS == 8 then
  redis.call('HSET', KEYS[8], ARGV[4], ARGV[1])
  redis.call('EXPIRE', KEYS[8], ARGV[5])
end
return {'ok', version}
"""
)

# KEYS: question, room (the one the question belongs to, from the immutable index)
# ARGV: state, text, '1' if it has a name, name, '1' if it has an answer, answer, the fields to
#       write (comma-separated subset of state,text,name,answer,label), '1' if it has a label,
#       label
# Reply: {'ok', room version} | {'missing', 'question'}
UPDATE_QUESTION = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'question'} end
-- ARGV[7]: the fields to write (comma-separated); the others keep their stored values.
local want = {}
for field in string.gmatch(ARGV[7], '[^,]+') do want[field] = true end
if want.state then redis.call('HSET', KEYS[1], 'state', ARGV[1]) end
if want.text then redis.call('HSET', KEYS[1], 'text', ARGV[2]) end
-- None is an absent field; a flag, not '', says which, since '' is a string like any other.
local optional = {name = 3, answer = 5, label = 8}
for name, at in pairs(optional) do
  if want[name] then
    if ARGV[at] == '1' then
      redis.call('HSET', KEYS[1], name, ARGV[at + 1])
    else
      redis.call('HDEL', KEYS[1], name)
    end
  end
end
return {'ok', redis.call('HINCRBY', KEYS[2], 'version', 1)}
"""
)

# KEYS: question, its upvotes (set), room, questions of the room (sorted set), questions of its
#       author in the event (sorted set)
# ARGV: question id, author (participant id, read by the caller just before)
# Reply: {'ok', room version} | {'missing', 'question'}
DELETE_QUESTION = Lua(
    """
-- The author is immutable; should the question have gone (and come back) since the caller
-- read it, the question counts as unknown rather than leaving a stale rate-limit entry.
if redis.call('HGET', KEYS[1], 'participant_id') ~= ARGV[2] then
  return {'missing', 'question'}
end
-- UNLINK: a set of thousands of upvoters is freed off the main thread.
redis.call('UNLINK', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
if redis.call('HGET', KEYS[3], 'highlighted_question_id') == ARGV[1] then
  redis.call('HDEL', KEYS[3], 'highlighted_question_id')
end
return {'ok', redis.call('HINCRBY', KEYS[3], 'version', 1)}
"""
)

# The Q&A hot path: one EVALSHA per upvote.
# KEYS: 1 question, 2 room, 3 upvotes of the question (set of participant ids), 4 requests of
#       this participant in this event, 5 the event's voters (4-5 only present when the call
#       carries a request id)
# ARGV: 1 participant id, 2 '1' upvote / '0' withdraw, 3 request id, 4 question id,
#       5 request TTL in seconds (3-5 only with KEYS[4] and [5])
# Reply: {'ok', version} | {'seen', version} | {'closed', state} | {'missing', 'question'}
SET_UPVOTE = Lua(
    """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', 'question'} end
-- A repeat is acknowledged whatever the state is now (the client lost the answer, not the
-- upvote); a refused call writes nothing, so its request id stays usable.
if #KEYS == 5 and redis.call('HEXISTS', KEYS[4], ARGV[3]) == 1 then
  return {'seen', tonumber(redis.call('HGET', KEYS[2], 'version'))}
end
if state ~= 'approved' and state ~= 'answered' then return {'closed', state} end
-- A merged duplicate's upvotes went to the question it was merged into (MERGE_QUESTIONS).
if redis.call('HEXISTS', KEYS[1], 'merged_into') == 1 then return {'closed', 'merged'} end
-- Set membership: upvoting twice counts once, and the count is SCARD, no counter to drift.
if ARGV[2] == '1' then
  redis.call('SADD', KEYS[3], ARGV[1])
else
  redis.call('SREM', KEYS[3], ARGV[1])
end
local version = redis.call('HINCRBY', KEYS[2], 'version', 1)
if #KEYS == 5 then
  redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
  redis.call('EXPIRE', KEYS[4], ARGV[5])
  redis.call('SADD', KEYS[5], ARGV[1])
end
return {'ok', version}
"""
)

# KEYS: event, rooms (set of room ids), then the hash of each of those rooms
# ARGV: the labels as a JSON list ('' = none), then the room ids in KEYS order
# Reply: as UPDATE_EVENT_SETTINGS
SET_QUESTION_LABELS = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
-- The rooms as the caller read them (see UPDATE_EVENT_SETTINGS).
if redis.call('SCARD', KEYS[2]) ~= #KEYS - 2 then return {'retry'} end
for i = 2, #ARGV do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then return {'retry'} end
end
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[1], 'question_labels')
else
  redis.call('HSET', KEYS[1], 'question_labels', ARGV[1])
end
local reply = {'ok'}
for i = 3, #KEYS do
  reply[#reply + 1] = ARGV[i - 1]
  reply[#reply + 1] = redis.call('HGET', KEYS[i], 'position')
  reply[#reply + 1] = redis.call('HINCRBY', KEYS[i], 'version', 1)
end
return reply
"""
)

# KEYS: room
# ARGV: label ('' = none: every question)
# Reply: {'ok', version} | {'missing', 'room'}
SET_SCREEN_LABEL = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[1], 'screen_label')
else
  redis.call('HSET', KEYS[1], 'screen_label', ARGV[1])
end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# Merging a duplicate question (source) into another (target) of the same room.
# KEYS: 1 target hash, 2 source hash, 3 target upvotes, 4 source upvotes, 5 room hash
# ARGV: 1 target id, 2 source id
# Reply: {'ok', version} | {'same'} (merged there already) | {'refused', reason} |
#        {'missing', 'question'}
MERGE_QUESTIONS = Lua(
    """
local t = redis.call('HMGET', KEYS[1], 'room_id', 'participant_id', 'merged_into', 'co_authors')
local s = redis.call('HMGET', KEYS[2], 'room_id', 'participant_id', 'merged_into', 'co_authors')
if not t[1] or not s[1] then return {'missing', 'question'} end
if ARGV[1] == ARGV[2] then return {'refused', 'self'} end
if t[1] ~= s[1] then return {'refused', 'other_room'} end
if s[3] == ARGV[1] then return {'same'} end
if s[3] or t[3] then return {'refused', 'merged'} end
-- Set union: a participant who upvoted both counts once. The source keeps its own set, which
-- SPLIT_QUESTION gives back to it (no list shows a merged question's count).
redis.call('SUNIONSTORE', KEYS[3], KEYS[3], KEYS[4])
local authors = {}
for _, list in ipairs({t[4] or '[]', s[4] or '[]'}) do
  for _, author in ipairs(cjson.decode(list)) do authors[author] = true end
end
authors[s[2]] = true
authors[t[2]] = nil
local sorted = {}
for author in pairs(authors) do table.insert(sorted, author) end
table.sort(sorted)
-- cjson writes an empty table as an object: no co-authors is an absent field instead.
if #sorted > 0 then
  redis.call('HSET', KEYS[1], 'co_authors', cjson.encode(sorted))
else
  redis.call('HDEL', KEYS[1], 'co_authors')
end
redis.call('HSET', KEYS[2], 'merged_into', ARGV[1])
if redis.call('HGET', KEYS[5], 'highlighted_question_id') == ARGV[2] then
  redis.call('HSET', KEYS[5], 'highlighted_question_id', ARGV[1])
end
return {'ok', redis.call('HINCRBY', KEYS[5], 'version', 1)}
"""
)

# Taking a merge back (split_question). The target's new co-authors are worked out by the
# caller from the room's merged questions; the script writes them only if the target's
# co-authors are still those the caller read (else 'retry': a merge or split came between).
# KEYS: 1 source hash, 2 target hash, 3 room hash
# ARGV: 1 target id (as read), 2 target co_authors as read ('' absent), 3 new co_authors ('')
# Reply: {'ok', version} | {'same'} (not merged) | {'refused', 'target_merged'} | {'retry'} |
#        {'missing', 'question'}
SPLIT_QUESTION = Lua(
    """
local s = redis.call('HMGET', KEYS[1], 'room_id', 'merged_into')
if not s[1] then return {'missing', 'question'} end
if not s[2] then return {'same'} end
if s[2] ~= ARGV[1] then return {'retry'} end
local t = redis.call('HMGET', KEYS[2], 'room_id', 'merged_into', 'co_authors')
-- A deleted target leaves nothing to correct.
if t[1] then
  if t[2] then return {'refused', 'target_merged'} end
  if (t[3] or '') ~= ARGV[2] then return {'retry'} end
  if ARGV[3] ~= '' then
    redis.call('HSET', KEYS[2], 'co_authors', ARGV[3])
  else
    redis.call('HDEL', KEYS[2], 'co_authors')
  end
end
redis.call('HDEL', KEYS[1], 'merged_into')
return {'ok', redis.call('HINCRBY', KEYS[3], 'version', 1)}
"""
)

# Mood barometer: one EVALSHA per mood.
# KEYS: 1 room, 2 moods of the room (hash participant -> value), 3 mood log of the room (sorted
#       set), 4 requests of this participant in this event, 5 the event's voters (4-5 only with
#       a request id)
# ARGV: 1 participant id, 2 value, 3 at (microseconds since 1970), 4 request id, 5 room id,
#       6 request TTL in seconds (4-6 only with KEYS[4] and [5])
# Reply: {'ok', version} | {'seen', version} | {'missing', 'room'}
SET_MOOD = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if #KEYS == 5 and redis.call('HEXISTS', KEYS[4], ARGV[4]) == 1 then
  return {'seen', tonumber(redis.call('HGET', KEYS[1], 'version'))}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
-- The log entry: scored by its moment; the member starts with the room version, unique per
-- room, so two equal changes in the same microsecond are two entries (and stay in order).
redis.call('ZADD', KEYS[3], ARGV[3], version .. '|' .. ARGV[2] .. '|' .. ARGV[1])
if #KEYS == 5 then
  redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
  redis.call('EXPIRE', KEYS[4], ARGV[6])
  redis.call('SADD', KEYS[5], ARGV[1])
end
return {'ok', version}
"""
)

# Pace feedback: one EVALSHA per signal, like SET_MOOD.
# KEYS: 1 room, 2 latest signals of the room (hash participant -> "<value>|<at>"), 3 pace log of
#       the room (sorted set), 4 requests of this participant in this event, 5 the event's
#       voters (4-5 only with a request id)
# ARGV: 1 participant id, 2 value, 3 at (microseconds since 1970), 4 request id, 5 room id,
#       6 request TTL in seconds (4-6 only with KEYS[4] and [5])
# Reply: {'ok', version} | {'seen', version} | {'missing', 'room'}
SET_PACE = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if #KEYS == 5 and redis.call('HEXISTS', KEYS[4], ARGV[4]) == 1 then
  return {'seen', tonumber(redis.call('HGET', KEYS[1], 'version'))}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
-- As the mood log: the room version makes every entry unique and keeps equal moments in order.
redis.call('ZADD', KEYS[3], ARGV[3], version .. '|' .. ARGV[2] .. '|' .. ARGV[1])
if #KEYS == 5 then
  redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
  redis.call('EXPIRE', KEYS[4], ARGV[6])
  redis.call('SADD', KEYS[5], ARGV[1])
end
return {'ok', version}
"""
)

# KEYS: room, applause of the room (hash: second since 1970 -> level)
# ARGV: second, level, second, level, ... (levels as Python's repr of a float)
# Reply: {'ok'} | {'missing', 'room'}
RECORD_APPLAUSE = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
-- Keep the maximum per second: the compare and the write in one step, so several processes
-- recording the same room end with the same (largest) level.
for i = 1, #ARGV, 2 do
  local stored = redis.call('HGET', KEYS[2], ARGV[i])
  if not stored or tonumber(ARGV[i + 1]) > tonumber(stored) then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  end
end
return {'ok'}
"""
)
