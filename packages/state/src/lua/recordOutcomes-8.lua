--[[
  Records the outcomes of one task's queries in one call (fenced once); the only script that records
  outcomes (a single error is a one-item call). Each query is recorded exactly once; a query has a
  result or an error, never both. One change-stream entry for the whole call ('outcomes-recorded', its 'items' a JSON array
  of [queryId, kind, payload] for the queries recorded now), not one per query: followers parse
  one entry per task, and the stream costs Redis one XADD per task.
  KEYS[1] epoch    KEYS[2] counters    KEYS[3] changes    KEYS[4] job hash
  KEYS[5] results hash    KEYS[6] errors hash    KEYS[7] uris    KEYS[8] outcomes
  ARGV[1] epoch    ARGV[2] MAXLEN      ARGV[3] jobId
  ARGV[4 + 3i] queryId, ARGV[5 + 3i] kind ('result' | 'error'), ARGV[6 + 3i] payload
  Returns {1, c1, c2, …}   one code per query: 1 recorded, 2 duplicate, 3 conflict, 7 query not found
          {-1, current} / {-2, current}   fenced out (nothing written)      {-3} job not found
]]
--- @include "common"
local epoch = tonumber(ARGV[1])
local rejected = fence(KEYS[1], KEYS[2], epoch)
if rejected then return rejected end
if redis.call('EXISTS', KEYS[4]) == 0 then return {-3} end
local codes = {1}
local at = now()
local done, errors = 0, 0
local recorded, ids = {}, {}
for i = 4, #ARGV, 3 do
  local queryId, kind, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local target, other = KEYS[5], KEYS[6]
  if kind == 'error' then target, other = KEYS[6], KEYS[5] end
  local code
  if redis.call('HEXISTS', KEYS[7], queryId) == 0 then
    code = 7
  elseif redis.call('HEXISTS', other, queryId) == 1 then
    redis.call('HINCRBY', KEYS[2], 'conflicts', 1)
    redis.call('HINCRBY', KEYS[4], 'duplicates', 1)
    code = 3
  elseif redis.call('HSETNX', target, queryId, payload) == 0 then
    redis.call('HINCRBY', KEYS[2], 'duplicates', 1)
    redis.call('HINCRBY', KEYS[4], 'duplicates', 1)
    code = 2
  else
    ids[#ids + 1] = queryId
    recorded[#recorded + 1] = {queryId, kind, payload}
    if kind == 'error' then errors = errors + 1 else done = done + 1 end
    code = 1
  end
  codes[#codes + 1] = code
end
-- RPUSH in slices: unpack() of very many values would overflow Lua's C stack.
for i = 1, #ids, 1000 do
  redis.call('RPUSH', KEYS[8], unpack(ids, i, math.min(i + 999, #ids)))
end
if #recorded > 0 then
  emit(KEYS[3], KEYS[2], ARGV[2], epoch, at, {'type', 'outcomes-recorded', 'jobId', ARGV[3],
    'items', cjson.encode(recorded)})
end
if done > 0 then redis.call('HINCRBY', KEYS[4], 'done', done) end
if errors > 0 then redis.call('HINCRBY', KEYS[4], 'errors', errors) end
return codes
