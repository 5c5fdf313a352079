-- wrk: POST a new alarm per request (source_ref unique per thread and request), then print
-- the figures as one JSON line for bench/wrk.py. Args: run-id token lift.
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  run = args[1] or "run"
  lift = args[3] or "44030000000000012345"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if args[2] and args[2] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[2]
  end
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"lift":"%s","source":"iot","source_ref":"wrk-%s-%d-%d","trapped_count":1}',
    lift, run, tid, counter)
  return wrk.format(nil, "/v1/alarms", nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d,' ..
    '"mean_us":%.1f}\n', summary.requests, summary.duration,
    e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
