--[[
  First step of restoring a job from the primary's memory after Redis lost data (fenced): writes the
  spec, state and times over whatever is there, and creates the counters if missing. Queries and
  outcomes follow (appendQueries, restoreOutcomes), then recountJob. Every step is idempotent.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes (unused; recountJob announces the restore)
  KEYS[4] jobs (zset)                  KEYS[5] job hash
  ARGV[1] epoch    ARGV[2] MAXLEN (unused)    ARGV[3] jobId    ARGV[4] model    ARGV[5] inputs (JSON)
  ARGV[6] batchSize    ARGV[7] topK    ARGV[8] state    ARGV[9] createdAt
  ARGV[10] startedAt   ARGV[11] stoppedAt   ARGV[12] completedAt   ('' when unset)
  Returns {1}   written          {-1, current} / {-2, current}   fenced out
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
redis.call('HSET', KEYS[5], 'jobId', ARGV[3], 'model', ARGV[4], 'inputs', ARGV[5], 'batchSize', ARGV[6],
  'topK', ARGV[7], 'state', ARGV[8], 'epoch', epoch, 'createdAt', ARGV[9], 'updatedAt', now())
local times = {startedAt = ARGV[10], stoppedAt = ARGV[11], completedAt = ARGV[12]}
for field, value in pairs(times) do
  if value == '' then redis.call('HDEL', KEYS[5], field) else redis.call('HSET', KEYS[5], field, value) end
end
for _, field in ipairs({'totalQueries', 'done', 'errors', 'duplicates'}) do
  redis.call('HSETNX', KEYS[5], field, 0)
end
redis.call('ZADD', KEYS[4], ARGV[9], ARGV[3])
return {1}
