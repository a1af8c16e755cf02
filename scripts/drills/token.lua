-- wrk: client_credentials at Keycloak's token endpoint, each request with the next API key of
-- DRILL_API_KEYS (comma-separated), as many services would call. With DRILL_DELAY_MS set, each
-- connection waits that long between requests: a steady trickle instead of full speed.
local keys = {}
for key in string.gmatch(os.getenv("DRILL_API_KEYS") or "", "[^,]+") do
  keys[#keys + 1] = key
end
local next_key = 0
local pause = tonumber(os.getenv("DRILL_DELAY_MS") or "0")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

request = function()
  next_key = next_key % #keys + 1
  return wrk.format(nil, nil, nil, "grant_type=client_credentials&client_secret=" .. keys[next_key])
end

if pause > 0 then
  delay = function()
    return pause
  end
end
