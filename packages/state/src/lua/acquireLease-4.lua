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
local stored = tonumber(redis.call('GET', KEYS[2]) or '0')
local epoch = math.max(stored, tonumber(ARGV[3])) + 1
redis.call('SET', KEYS[2], epoch)
redis.call('SET', KEYS[1], epoch .. ' ' .. ARGV[1], 'PX', ARGV[2])
emit(KEYS[4], KEYS[3], ARGV[4], epoch, now(), {'type', 'lease-acquired', 'holder', ARGV[1]})
return {1, epoch}
