--[[
  Acquires the leader lease if nobody holds it, and advances the epoch (fencing token).
  KEYS[1] lease     KEYS[2] epoch     KEYS[3] counters     KEYS[4] changes
  ARGV[1] nodeId    ARGV[2] ttlMs     ARGV[3] minEpoch (caller's last known epoch, 0 if none)
  ARGV[4] change stream MAXLEN
  Returns {1, epoch}                 acquired; epoch = max(stored, minEpoch) + 1, so it never goes
                                     backwards, even when Redis came back empty
          {0, leaseValue, pttlMs}    held by someone (possibly the caller: renew instead)
]]
--- @include "common"
local held = redis.call('GET', KEYS[1])
if held then
  return {0, held, redis.call('PTTL', KEYS[1])}
end
return {1, grantLease(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[4], ARGV[1], ARGV[2], ARGV[3])}
