--[[
  Takes the leader lease from a holder the caller has strong evidence is dead (its connections
  are refused, gossip declared it dead), without waiting for the TTL. Safe because of fencing:
  the epoch advances, so anything the old holder still sends is refused by the scripts and the
  workers. Only the exact lease the caller saw is taken: if it was renewed into a new epoch or
  changed hands, nothing happens.
  KEYS[1] lease     KEYS[2] epoch     KEYS[3] counters     KEYS[4] changes
  ARGV[1] nodeId    ARGV[2] ttlMs     ARGV[3] minEpoch     ARGV[4] change stream MAXLEN
  ARGV[5] expected lease value ("<epoch> <holder>") the caller saw
  Returns {1, epoch}                 acquired (epoch = max(stored, minEpoch) + 1)
          {0, leaseValue, pttlMs}    held, and not by the expected holder/epoch
]]
--- @include "common"
local held = redis.call('GET', KEYS[1])
if held and held ~= ARGV[5] then
  return {0, held, redis.call('PTTL', KEYS[1])}
end
redis.call('HINCRBY', KEYS[3], 'takeovers', 1)
return {1, grantLease(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[4], ARGV[1], ARGV[2], ARGV[3])}
