"""Lua scripts of the Redis store for the event program and data protection (issue 7); the same
rules as redis_scripts.py (one event's keys only, all of them declared in KEYS, status replies).
"""

from __future__ import annotations

from live.store.redis_scripts import Lua

# KEYS: event, rooms (set of room ids), then the hash of each of those rooms
# ARGV: title, starts_on, ends_on ('' = none), then the room ids in KEYS order
# Reply: {'ok', room id, position, version, ...} | {'retry'} | {'missing', 'event'}
UPDATE_EVENT = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
-- As UPDATE_EVENT_SETTINGS: the caller read the room ids; a room added since means 'retry'.
if redis.call('SCARD', KEYS[2]) ~= #KEYS - 2 then return {'retry'} end
for i = 4, #ARGV do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then return {'retry'} end
end
redis.call('HSET', KEYS[1], 'title', ARGV[1])
local days = {starts_on = ARGV[2], ends_on = ARGV[3]}
for name, value in pairs(days) do
  if value == '' then
    redis.call('HDEL', KEYS[1], name)
  else
    redis.call('HSET', KEYS[1], name, value)
  end
end
local reply = {'ok'}
for i = 3, #KEYS do
  reply[#reply + 1] = ARGV[i + 1]
  reply[#reply + 1] = redis.call('HGET', KEYS[i], 'position')
  reply[#reply + 1] = redis.call('HINCRBY', KEYS[i], 'version', 1)
end
return reply
"""
)

# KEYS: room
# ARGV: name
# Reply: {'ok', room version} | {'missing', 'room'}
RENAME_ROOM = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
redis.call('HSET', KEYS[1], 'name', ARGV[1])
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: room
# ARGV: '1' for the applause over the stream, '0' not (an absent field: the default, also of
#       rooms stored before the setting)
# Reply: {'ok', room version} | {'missing', 'room'}
SET_APPLAUSE_VIA_STREAM = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'applause_via_stream', '1')
else
  redis.call('HDEL', KEYS[1], 'applause_via_stream')
end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: room
# ARGV: '1' to allow parallel polls, '0' not to (an absent field: the default)
# Reply: {'ok', room version} | {'missing', 'room'}
SET_PARALLEL_POLLS = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'parallel_polls', '1')
else
  redis.call('HDEL', KEYS[1], 'parallel_polls')
end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: room
# ARGV: label, ends_at ('' = paused), left_ms ('' = running); '1' as ARGV[4] removes the countdown
# Reply: {'ok', version} | {'missing', 'room'}
SET_COUNTDOWN = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
redis.call('HDEL', KEYS[1], 'countdown_label', 'countdown_ends_at', 'countdown_left_ms')
if ARGV[4] ~= '1' then
  redis.call('HSET', KEYS[1], 'countdown_label', ARGV[1])
  if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'countdown_ends_at', ARGV[2]) end
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'countdown_left_ms', ARGV[3]) end
end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: room
# ARGV: forum_shown ('1', '0', '' = the default: absent), forum_poll_id ('' = the marked ideas:
#       absent)
# Reply: {'ok', room version} | {'missing', 'room'}
SET_FORUM_RESULTS = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
redis.call('HDEL', KEYS[1], 'forum_shown', 'forum_poll_id')
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'forum_shown', ARGV[1]) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'forum_poll_id', ARGV[2]) end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: room
# ARGV: token hash ('' = revoke)
# Reply: {'ok'} | {'missing', 'room'}
SET_ROOM_TOKEN = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[1], 'moderator_token_hash')
else
  redis.call('HSET', KEYS[1], 'moderator_token_hash', ARGV[1])
end
return {'ok'}
"""
)

# KEYS: room, polls of the room (set)
# ARGV: mode, poll id ('' = keep screen_poll_id), '1' to clear the highlighted question
# Reply: {'ok', room version} | {'missing', 'room' | 'poll'}
SET_SCREEN_MODE = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if ARGV[2] ~= '' then
  -- Only a poll of this room (SQLite: a composite foreign key); checked before anything is
  -- written.
  if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then return {'missing', 'poll'} end
  redis.call('HSET', KEYS[1], 'screen_poll_id', ARGV[2])
end
-- 'auto' is an absent field (the default, like rooms stored before screen modes).
if ARGV[1] == 'auto' then
  redis.call('HDEL', KEYS[1], 'screen_mode')
else
  redis.call('HSET', KEYS[1], 'screen_mode', ARGV[1])
end
if ARGV[3] == '1' then redis.call('HDEL', KEYS[1], 'highlighted_question_id') end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: event, room, agenda of the event (set of item ids), item, claims of the event (set)
# ARGV: item id, then field, value, ... of the item hash
# Reply: {'ok'} | {'duplicate'} | {'missing', 'event' | 'room'}
ADD_AGENDA_ITEM = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
redis.call('SADD', KEYS[5], 'agenda:' .. ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', 'room'} end
if redis.call('EXISTS', KEYS[4]) == 1 then return {'duplicate'} end
redis.call('HSET', KEYS[4], unpack(ARGV, 2))
redis.call('SADD', KEYS[3], ARGV[1])
return {'ok'}
"""
)

# KEYS: item, room (the new one, in the item's event)
# ARGV: room id, title, starts_at, ends_at, speaker ('' with ARGV[6] == '0': none), has speaker
# Reply: {'ok'} | {'missing', 'agenda item' | 'room'}
UPDATE_AGENDA_ITEM = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'agenda item'} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', 'room'} end
redis.call('HSET', KEYS[1], 'room_id', ARGV[1], 'title', ARGV[2], 'starts_at', ARGV[3],
           'ends_at', ARGV[4])
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'speaker', ARGV[5])
else
  redis.call('HDEL', KEYS[1], 'speaker')
end
return {'ok'}
"""
)

# KEYS: item, agenda of the event (set), the item's prepared polls (set), then the hash of
#       each of those polls
# ARGV: item id, then the poll ids in KEYS order
# Reply: {'ok'} | {'retry'} | {'missing', 'agenda item'}
DELETE_AGENDA_ITEM = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'agenda item'} end
-- The caller read the prepared polls; one prepared since means 'retry' (it must be unlinked).
if redis.call('SCARD', KEYS[3]) ~= #KEYS - 3 then return {'retry'} end
for i = 2, #ARGV do
  if redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then return {'retry'} end
end
-- The polls stay, no longer tied to an agenda item.
for i = 4, #KEYS do redis.call('HDEL', KEYS[i], 'agenda_item_id') end
redis.call('UNLINK', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
return {'ok'}
"""
)

# Everything of one event, at once.
# KEYS: every key of the event (the caller derived them from the event's index sets).
# ARGV: the number of checks, then per check: the position in KEYS of an index key, its type
#       ('s' set, 'z' sorted set, 'h' hash, 'e' any key: n is whether it exists), the number n
#       of members the caller read, and those n members (none for 'e').
# Reply: {'ok'} | {'retry'} (an index changed since the caller read it: read again)
DELETE_EVENT = Lua(
    """
-- Each index must still be exactly what the caller read (same size, every member present),
-- else a key added since would be left behind.
local at = 2
for _ = 1, tonumber(ARGV[1]) do
  local key = KEYS[tonumber(ARGV[at])]
  local kind = ARGV[at + 1]
  local n = tonumber(ARGV[at + 2])
  if kind == 'e' then
    if redis.call('EXISTS', key) ~= n then return {'retry'} end
    at = at + 3
  else
    local size
    if kind == 's' then
      size = redis.call('SCARD', key)
    elseif kind == 'z' then
      size = redis.call('ZCARD', key)
    else
      size = redis.call('HLEN', key)
    end
    if size ~= n then return {'retry'} end
    for i = at + 3, at + 2 + n do
      local found
      if kind == 's' then
        found = redis.call('SISMEMBER', key, ARGV[i]) == 1
      elseif kind == 'z' then
        found = redis.call('ZSCORE', key, ARGV[i]) ~= false
      else
        found = redis.call('HEXISTS', key, ARGV[i]) == 1
      end
      if not found then return {'retry'} end
    end
    at = at + 3 + n
  end
end
-- UNLINK frees big values off the main thread; in slices, as unpack() of thousands of keys
-- would overflow the Lua C stack.
for start = 1, #KEYS, 1000 do
  redis.call('UNLINK', unpack(KEYS, start, math.min(start + 999, #KEYS)))
end
return {'ok'}
"""
)

# KEYS: event
# ARGV: brand colour ('' = none: the field goes)
# Reply: {'ok'} | {'missing', 'event'}
SET_BRAND_COLOR = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[1], 'brand_color')
else
  redis.call('HSET', KEYS[1], 'brand_color', ARGV[1])
end
return {'ok'}
"""
)

# KEYS: event, logo (hash)
# ARGV: version ('' = remove the logo), media type, data (base64)
# Reply: {'ok'} | {'missing', 'event'}
SET_LOGO = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
if ARGV[1] == '' then
  redis.call('UNLINK', KEYS[2])
  redis.call('HDEL', KEYS[1], 'logo_version')
else
  redis.call('HSET', KEYS[2], 'media_type', ARGV[2], 'data', ARGV[3])
  redis.call('HSET', KEYS[1], 'logo_version', ARGV[1])
end
return {'ok'}
"""
)
