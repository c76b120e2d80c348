-- wrk script for scripts/load_test.py: POST /api/ask only, every question at one fixed
-- moment (KV_AT), questions in turn from KV_QUESTIONS (one JSON object body per line).
local token = os.getenv("KV_TOKEN")
local bodies = {}
for line in io.lines(os.getenv("KV_QUESTIONS")) do bodies[#bodies + 1] = line end
local threads = {}
local n = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  n = id * 7919
end

function request()
  n = n + 1
  return wrk.format("POST", "/api/ask",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
    bodies[(n % #bodies) + 1])
end

function done(summary, latency, requests)
  io.write(string.format("LATENCY p50=%.2f p90=%.2f p99=%.2f max=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
