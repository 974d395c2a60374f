-- wrk script: POST scans of demo badge codes. Codes come from bench/codes.txt (written by
-- scan_bench.py); each request a fresh client_scan_id; a code is scanned again often
-- (about a third of requests are repeats: "already admitted").
local codes = {}
for line in io.lines(os.getenv("BENCH_CODES")) do codes[#codes + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH") or "/api/v1/scans"
local counter = 0
-- Every run, thread and request sends a client_scan_id never sent before: a reused id
-- would be answered from the first scan (a resend), which is not what is measured.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local threads = 0
math.randomseed(os.time())

function setup(thread)
  threads = threads + 1
  thread:set("id", run .. "t" .. threads)
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + seed)
end

request = function()
  counter = counter + 1
  local code = codes[math.random(1, #codes)]
  local body = string.format(
    '{"code": "%s", "checkpoint": "main-entrance", "client_scan_id": "w%s-%d-%d"}',
    code, id, counter, math.random(1, 1000000000))
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
