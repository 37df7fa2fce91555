--[[
  Changes a job's batch size (fenced); it applies to the next batch the Tracker sends.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes    KEYS[4] job hash
  ARGV[1] epoch    ARGV[2] MAXLEN      ARGV[3] jobId      ARGV[4] batchSize
  Returns {1} changed     {0} unchanged     {-1, current} / {-2, current} fenced out     {-3} job not found
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
local previous = redis.call('HGET', KEYS[4], 'batchSize')
if not previous then return {-3} end
if previous == ARGV[4] then return {0} end
local t = now()
redis.call('HSET', KEYS[4], 'batchSize', ARGV[4], 'updatedAt', t, 'epoch', epoch)
emit(KEYS[3], KEYS[2], ARGV[2], epoch, t, {'type', 'batch-size', 'jobId', ARGV[3], 'batchSize', ARGV[4]})
return {1}
