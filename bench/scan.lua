-- wrk script: POST scans of demo badge codes. Codes come from bench/codes.txt (written by
-- scan_bench.py); each request a fresh client_scan_id; a code is scanned again often
-- (about a third of requests are repeats: "already admitted").
local codes = {}
for line in io.lines(os.getenv("BENCH_CODES")) do codes[#codes + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH") or "/api/v1/scans"
local counter = 0

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

request = function()
  counter = counter + 1
  local code = codes[math.random(1, #codes)]
  local body = string.format(
    '{"code": "%s", "checkpoint": "main-entrance", "client_scan_id": "w%d-%d-%d"}',
    code, id, counter, math.random(1, 1000000000))
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
