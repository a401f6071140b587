"""The blocklist of the Redis store (issue 24): the switch of the shipped list is the field
``blocklist_default`` of the event hash ("0" when off; absent, as in events stored before it
existed: on); the event's own entries and its switched-off default entries are the fields
"added:<folded entry>" / "removed:<folded entry>" of ``P:{code}:blocklist`` (set membership,
like a poll's ``hidden`` hash), each holding the entry as written. get_event reads both hashes
in one round trip; each change is one script that also bumps every room's version.

A mixin of RedisStore (redis.py, which describes the key layout).
"""

from __future__ import annotations

from collections.abc import Mapping

from live.domain.blocklist import BLOCK_KINDS, BlockKind
from live.store.redis_codec import flag, translate_errors
from live.store.redis_questions import _Core, update_every_room
from live.store.redis_scripts import Lua

# KEYS: event, rooms (set), then each room hash. ARGV: '1'/'0', then the room ids in KEYS order.
# Reply: {'ok', room id, position, version, ...} | {'retry'} | {'missing', 'event'}
# (The room check and bump as in UPDATE_EVENT_SETTINGS: see update_every_room.)
SET_BLOCKLIST_DEFAULT = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
if redis.call('SCARD', KEYS[2]) ~= #KEYS - 2 then return {'retry'} end
for i = 2, #ARGV do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then return {'retry'} end
end
redis.call('HSET', KEYS[1], 'blocklist_default', ARGV[1])
local reply = {'ok'}
for i = 3, #KEYS do
  reply[#reply + 1] = ARGV[i - 1]
  reply[#reply + 1] = redis.call('HGET', KEYS[i], 'position')
  reply[#reply + 1] = redis.call('HINCRBY', KEYS[i], 'version', 1)
end
return reply
"""
)

# KEYS: event, rooms (set), blocklist (hash), then each room hash.
# ARGV: field, entry as written ('' = remove the field), then the room ids in KEYS order.
# Reply: as SET_BLOCKLIST_DEFAULT.
SET_BLOCKLIST_ENTRY = Lua(
    """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 'event'} end
if redis.call('SCARD', KEYS[2]) ~= #KEYS - 3 then return {'retry'} end
for i = 3, #ARGV do
  if redis.call('SISMEMBER', KEYS[2], ARGV[i]) == 0 then return {'retry'} end
end
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
end
local reply = {'ok'}
for i = 4, #KEYS do
  reply[#reply + 1] = ARGV[i - 1]
  reply[#reply + 1] = redis.call('HGET', KEYS[i], 'position')
  reply[#reply + 1] = redis.call('HINCRBY', KEYS[i], 'version', 1)
end
return reply
"""
)


def blocklist_fields(row: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """kind -> the entries as written, ordered by their folded form, from the blocklist hash."""
    found: dict[str, list[tuple[str, str]]] = {kind: [] for kind in BLOCK_KINDS}
    for name, shown in row.items():
        kind, _, key = name.partition(":")
        if kind in found:
            found[kind].append((key, shown))
    return {kind: tuple(shown for _, shown in sorted(rows)) for kind, rows in found.items()}


class RedisBlocklist:
    async def set_blocklist_default(self: _Core, code: str, on: bool) -> list[tuple[str, int]]:
        with translate_errors("set_blocklist_default"):
            return await update_every_room(self, code, SET_BLOCKLIST_DEFAULT, [flag(on)])

    async def set_blocklist_entry(
        self: _Core, code: str, kind: BlockKind, key: str, shown: str, present: bool
    ) -> list[tuple[str, int]]:
        if kind not in BLOCK_KINDS:
            raise ValueError(f"unknown kind of blocklist entry {kind!r}")
        args = [f"{kind}:{key}", shown if present else ""]
        with translate_errors("set_blocklist_entry"):
            return await update_every_room(
                self, code, SET_BLOCKLIST_ENTRY, args, [self._key(code, "blocklist")]
            )
