--[[
  Moves a job to another state (fenced). 'completed' is final and 'added' cannot be re-entered;
  setting the current state again is a no-op, so retries are safe.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes    KEYS[4] job hash
  ARGV[1] epoch    ARGV[2] MAXLEN      ARGV[3] jobId      ARGV[4] state (added|running|stopped|completed)
  Returns {1, from}   changed          {0, from}   already in that state
          {-1, current} / {-2, current}   fenced out
          {-3}        job not found    {-6, from}  transition not allowed
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
local from = redis.call('HGET', KEYS[4], 'state')
if not from then return {-3} end
local to = ARGV[4]
if from == to then return {0, from} end
if from == 'completed' or to == 'added' then return {-6, from} end
local t = now()
redis.call('HSET', KEYS[4], 'state', to, 'updatedAt', t, 'epoch', epoch)
if to == 'running' then
  redis.call('HSETNX', KEYS[4], 'startedAt', t)
elseif to == 'stopped' then
  redis.call('HSET', KEYS[4], 'stoppedAt', t)
elseif to == 'completed' then
  redis.call('HSET', KEYS[4], 'completedAt', t)
end
emit(KEYS[3], KEYS[2], ARGV[2], epoch, t, {'type', 'job-state', 'jobId', ARGV[3], 'from', from, 'state', to})
return {1, from}
