--[[
  Gives the lease up (clean shutdown) so a standby can take over at once. The epoch is unchanged;
  the next acquisition advances it.
  KEYS[1] lease     KEYS[2] counters     KEYS[3] changes
  ARGV[1] nodeId    ARGV[2] epoch        ARGV[3] change stream MAXLEN
  Returns {1}  released
          {0}  not the holder (nothing changed)
]]
--- @include "common"
if redis.call('GET', KEYS[1]) ~= ARGV[2] .. ' ' .. ARGV[1] then
  return {0}
end
redis.call('DEL', KEYS[1])
emit(KEYS[3], KEYS[2], ARGV[3], ARGV[2], now(), {'type', 'lease-released', 'holder', ARGV[1]})
return {1}
