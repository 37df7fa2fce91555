--[[
  Last step of a restore (fenced): sets the job's counters from what is stored and announces the
  restore on the change stream, so followers reload that job.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes    KEYS[4] job hash    KEYS[5] queries
  KEYS[6] results  KEYS[7] errors
  ARGV[1] epoch    ARGV[2] MAXLEN      ARGV[3] jobId
  Returns {1, total, done, errors}   {-1, current} / {-2, current}   fenced out   {-3} job not found
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
if redis.call('EXISTS', KEYS[4]) == 0 then return {-3} end
local total = redis.call('LLEN', KEYS[5])
local done = redis.call('HLEN', KEYS[6])
local errors = redis.call('HLEN', KEYS[7])
local t = now()
redis.call('HSET', KEYS[4], 'totalQueries', total, 'done', done, 'errors', errors, 'updatedAt', t)
emit(KEYS[3], KEYS[2], ARGV[2], epoch, t, {'type', 'job-restored', 'jobId', ARGV[3], 'total', total,
  'done', done, 'errors', errors})
return {1, total, done, errors}
