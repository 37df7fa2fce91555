--[[
  Appends one chunk of queries to a job (fenced). Idempotent: a query id already present is skipped,
  so a retried or restored chunk never duplicates a query.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes    KEYS[4] job hash    KEYS[5] queries (list)
  KEYS[6] uris (hash)
  ARGV[1] epoch    ARGV[2] MAXLEN      ARGV[3] jobId      ARGV[4..] queryId, uri, queryId, uri, …
  Returns {1, added, total}   total = number of queries of the job afterwards
          {-1, current} / {-2, current}   fenced out      {-3} job not found
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
if redis.call('EXISTS', KEYS[4]) == 0 then return {-3} end
local from = redis.call('LLEN', KEYS[5])
local ids = {}
for i = 4, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[6], ARGV[i], ARGV[i + 1]) == 1 then ids[#ids + 1] = ARGV[i] end
end
local total = from + #ids
if #ids > 0 then
  redis.call('RPUSH', KEYS[5], unpack(ids))
  local t = now()
  redis.call('HSET', KEYS[4], 'totalQueries', total, 'updatedAt', t)
  emit(KEYS[3], KEYS[2], ARGV[2], epoch, t, {'type', 'queries-appended', 'jobId', ARGV[3], 'from', from,
    'count', #ids})
end
return {1, #ids, total}
