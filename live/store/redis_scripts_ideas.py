"""Lua scripts of the Redis store's idea board (issue 24; keys in redis.py, rules of every
script in redis_scripts.py: one event's keys only, status replies)."""

from __future__ import annotations

from live.store.redis_scripts import Lua

# KEYS: room
# ARGV: '1' on / '0' off
# Reply: {'ok', version} | {'missing', 'room'}
SET_IDEAS_OPEN = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'room'} end
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'ideas_open', '1')
else
  redis.call('HDEL', KEYS[1], 'ideas_open')
end
return {'ok', redis.call('HINCRBY', KEYS[1], 'version', 1)}
"""
)

# KEYS: 1 event, 2 room, 3 ideas of the room (sorted set), 4 the idea, 5 claims of the event,
#       6 the event's voters, 7 requests of the author (only with a request id)
# ARGV: 1 idea id, 2 created_at (microseconds), 3 request id, 4 request TTL (3-4: '' without
#       KEYS[7]), 5 the author, then field, value, ... of the idea hash
# Reply: {'ok', version} | {'seen', version} | {'duplicate'} | {'missing', 'event' | 'room'}
ADD_IDEA = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
-- The claim of the idea id (global index), noted for delete_event also when refused below.
redis.call('SADD', KEYS[5], 'idea:' .. ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then return {'missing', 'room'} end
if #KEYS == 7 and redis.call('HEXISTS', KEYS[7], ARGV[3]) == 1 then
  return {'seen', tonumber(redis.call('HGET', KEYS[2], 'version'))}
end
if redis.call('EXISTS', KEYS[4]) == 1 then return {'duplicate'} end
redis.call('HSET', KEYS[4], unpack(ARGV, 6))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
local version = redis.call('HINCRBY', KEYS[2], 'version', 1)
if #KEYS == 7 then
  redis.call('HSET', KEYS[7], ARGV[3], ARGV[1])
  redis.call('EXPIRE', KEYS[7], ARGV[4])
  redis.call('SADD', KEYS[6], ARGV[5])
end
return {'ok', version}
"""
)

# KEYS: 1 idea, 2 room, 3 marked ideas of the room (set)
# ARGV: 1 idea id, 2 state
# Reply: {'ok', version} | {'missing', 'idea'}
SET_IDEA_STATE = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'idea'} end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
-- Only approved ideas are marked: leaving approved drops the mark in the same step.
if ARGV[2] ~= 'approved' then redis.call('SREM', KEYS[3], ARGV[1]) end
return {'ok', redis.call('HINCRBY', KEYS[2], 'version', 1)}
"""
)

# KEYS: 1 idea, 2 room, 3 marked ideas of the room (set)
# ARGV: 1 idea id, 2 '1' mark / '0' unmark, 3 the limit of marked ideas per room
# Reply: {'ok', version} | {'closed', state} | {'full'} | {'missing', 'idea'}
SET_IDEA_MARKED = Lua(
    """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', 'idea'} end
if ARGV[2] == '1' then
  if state ~= 'approved' then return {'closed', state} end
  -- The cap, counted in the script that writes: of two marks racing for the last place, one
  -- is refused. Marking a marked idea again is no error.
  if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0
     and redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[3]) then
    return {'full'}
  end
  redis.call('SADD', KEYS[3], ARGV[1])
else
  redis.call('SREM', KEYS[3], ARGV[1])
end
return {'ok', redis.call('HINCRBY', KEYS[2], 'version', 1)}
"""
)

# KEYS: 1 idea, 2 room, 3 upvotes of the idea (set), 4 requests of the participant, 5 the
#       event's voters (4-5 only with a request id)
# ARGV: 1 participant id, 2 '1' upvote / '0' withdraw, 3 request id, 4 idea id, 5 request TTL
# Reply: {'ok', version} | {'seen', version} | {'closed', state} | {'missing', 'idea'}
SET_IDEA_UPVOTE = Lua(
    """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', 'idea'} end
-- A repeat is acknowledged whatever the state is now (as SET_UPVOTE).
if #KEYS == 5 and redis.call('HEXISTS', KEYS[4], ARGV[3]) == 1 then
  return {'seen', tonumber(redis.call('HGET', KEYS[2], 'version'))}
end
if state ~= 'approved' then return {'closed', state} end
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
