--[[
  Restores one chunk of results or errors (fenced). Idempotent: an outcome already recorded (of
  either kind) is kept, and an unknown query id is skipped. Counters are set by recountJob.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] job hash    KEYS[4] target hash (results or errors)
  KEYS[5] the other hash    KEYS[6] uris    KEYS[7] outcomes
  ARGV[1] epoch    ARGV[2..] queryId, payload, queryId, payload, …
  Returns {1, written}   {-1, current} / {-2, current}   fenced out   {-3} job not found
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
if redis.call('EXISTS', KEYS[3]) == 0 then return {-3} end
local written = 0
for i = 2, #ARGV, 2 do
  local queryId = ARGV[i]
  if redis.call('HEXISTS', KEYS[6], queryId) == 1 and redis.call('HEXISTS', KEYS[5], queryId) == 0
    and redis.call('HSETNX', KEYS[4], queryId, ARGV[i + 1]) == 1 then
    redis.call('RPUSH', KEYS[7], queryId)
    written = written + 1
  end
end
return {1, written}
