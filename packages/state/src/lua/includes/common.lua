-- Shared helpers, pasted by scripts.ts where a script says: --- @include "common"
-- Return codes shared by every script (mapped to errors in scripts.ts):
--   -1 stale epoch {-1, current}      -2 store behind writer {-2, current}
--   -3 job not found                  -4 job exists
--   -5 lease lost {-5, leaseValue}    -6 invalid state transition {-6, from}

-- Fencing: a write is applied only when its epoch equals the stored one. Lower: a deposed leader
-- (counted as rejectedStale). Higher: Redis lost data (restart without or with an old AOF), the
-- writer must re-acquire the lease with minEpoch and restore (counted as rejectedBehind).
local function fence(epochKey, countersKey, epoch)
  local current = tonumber(redis.call('GET', epochKey) or '0')
  if epoch == current then return nil end
  if epoch < current then
    redis.call('HINCRBY', countersKey, 'rejectedStale', 1)
    return {-1, current}
  end
  redis.call('HINCRBY', countersKey, 'rejectedBehind', 1)
  return {-2, current}
end

-- Milliseconds on the Redis clock, so that every node agrees on timestamps.
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Appends one change to the stream, numbered by a gap-free counter so a follower can detect loss.
local function emit(streamKey, countersKey, maxLen, epoch, at, fields)
  local seq = redis.call('HINCRBY', countersKey, 'changeSeq', 1)
  local args = {streamKey, 'MAXLEN', '~', maxLen, '*', 'seq', seq, 'epoch', epoch, 'at', at}
  for i = 1, #fields do args[#args + 1] = fields[i] end
  return redis.call('XADD', unpack(args))
end

-- Grants the lease to nodeId under a new epoch, max(stored, minEpoch) + 1, so the fencing token never
-- goes backwards, even when Redis came back empty; announces it on the change stream. Shared by
-- acquireLease and takeOverLease, which differ only in when they may grant. Returns the new epoch.
local function grantLease(leaseKey, epochKey, countersKey, streamKey, maxLen, nodeId, ttlMs, minEpoch)
  local stored = tonumber(redis.call('GET', epochKey) or '0')
  local epoch = math.max(stored, tonumber(minEpoch)) + 1
  redis.call('SET', epochKey, epoch)
  redis.call('SET', leaseKey, epoch .. ' ' .. nodeId, 'PX', ttlMs)
  emit(streamKey, countersKey, maxLen, epoch, now(), {'type', 'lease-acquired', 'holder', nodeId})
  return epoch
end
