--[[
  Extends the lease, only for the holder of the same epoch.
  KEYS[1] lease
  ARGV[1] nodeId    ARGV[2] epoch    ARGV[3] ttlMs
  Returns {1}               renewed
          {-5, leaseValue}  lease lost: expired ('' then) or held by another node or epoch
]]
local value = redis.call('GET', KEYS[1])
if value ~= ARGV[2] .. ' ' .. ARGV[1] then
  return {-5, value or ''}
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1}
