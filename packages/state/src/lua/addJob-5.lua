--[[
  Creates a job in state 'added' (fenced).
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes    KEYS[4] jobs (zset)    KEYS[5] job hash
  ARGV[1] epoch    ARGV[2] MAXLEN      ARGV[3] jobId      ARGV[4] model          ARGV[5] inputs (JSON)
  ARGV[6] batchSize                    ARGV[7] topK
  Returns {1, createdAt}   created
          {-1, current} / {-2, current}   fenced out
          {-4}             a job with that id exists
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
if redis.call('EXISTS', KEYS[5]) == 1 then return {-4} end
local t = now()
redis.call('HSET', KEYS[5], 'jobId', ARGV[3], 'model', ARGV[4], 'inputs', ARGV[5], 'batchSize', ARGV[6],
  'topK', ARGV[7], 'state', 'added', 'epoch', epoch, 'createdAt', t, 'updatedAt', t,
  'totalQueries', 0, 'done', 0, 'errors', 0, 'duplicates', 0)
redis.call('ZADD', KEYS[4], t, ARGV[3])
emit(KEYS[3], KEYS[2], ARGV[2], epoch, t, {'type', 'job-added', 'jobId', ARGV[3], 'model', ARGV[4],
  'inputs', ARGV[5], 'batchSize', ARGV[6], 'topK', ARGV[7]})
return {1, t}
