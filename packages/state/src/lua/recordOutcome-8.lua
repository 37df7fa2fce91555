--[[
  Records a query's result or error exactly once (fenced). A query has a result or an error, never
  both: the first outcome wins, later ones write nothing but a counter.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes    KEYS[4] job hash
  KEYS[5] target hash (results or errors)    KEYS[6] the other hash    KEYS[7] uris    KEYS[8] outcomes
  ARGV[1] epoch    ARGV[2] MAXLEN      ARGV[3] jobId      ARGV[4] queryId    ARGV[5] payload
  ARGV[6] kind: 'result' | 'error'
  Returns {1, n}   recorded; n = the job's done (result) or errors (error) count afterwards
          {2}      duplicate: the same kind was recorded before
          {3}      conflict: the other kind was recorded before
          {-1, current} / {-2, current}   fenced out      {-3} job not found      {-7} query not found
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
if redis.call('EXISTS', KEYS[4]) == 0 then return {-3} end
local queryId = ARGV[4]
if redis.call('HEXISTS', KEYS[7], queryId) == 0 then return {-7} end
if redis.call('HEXISTS', KEYS[6], queryId) == 1 then
  redis.call('HINCRBY', KEYS[2], 'conflicts', 1)
  redis.call('HINCRBY', KEYS[4], 'duplicates', 1)
  return {3}
end
if redis.call('HSETNX', KEYS[5], queryId, ARGV[5]) == 0 then
  redis.call('HINCRBY', KEYS[2], 'duplicates', 1)
  redis.call('HINCRBY', KEYS[4], 'duplicates', 1)
  return {2}
end
redis.call('RPUSH', KEYS[8], queryId)
local field = 'done'
if ARGV[6] == 'error' then field = 'errors' end
local n = redis.call('HINCRBY', KEYS[4], field, 1)
emit(KEYS[3], KEYS[2], ARGV[2], epoch, now(), {'type', ARGV[6] .. '-recorded', 'jobId', ARGV[3],
  'queryId', queryId, 'payload', ARGV[5]})
return {1, n}
