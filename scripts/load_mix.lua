-- wrk script for scripts/load_test.py: 90 % asks (80 % of them through /api/ask, 20 %
-- through the Telegram webhook), 10 % edits through PATCH /api/roles/{id}. Counts per kind.
local token = os.getenv("KV_TOKEN")
local secret = os.getenv("KV_WEBHOOK_SECRET")
local questions = {}
for line in io.lines(os.getenv("KV_QUESTIONS")) do questions[#questions + 1] = line end
local roles = {"mora-socialtjanst-barn", "falun-socialtjanst-vuxen", "orsa-socialtjanst-barn",
               "avesta-socialtjanst-vuxen"}
local threads = {}
counts = {ask = 0, webhook = 0, edit = 0}
conflicts = 0
local update_id = 0
etags = {}
pending = {}

-- Responses come back in order per connection; an edit's ETag (200 or 412) is remembered.
function response(status, headers, body)
  if headers["ETag"] and #pending > 0 then
    local role = table.remove(pending, 1)
    etags[role] = headers["ETag"]
    if status == 412 then conflicts = conflicts + 1 end
  end
end

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  update_id = id * 100000000
  math.randomseed(id * 7919)
end

local function q()
  return questions[math.random(#questions)]
end

function request()
  local roll = math.random()
  if roll < 0.10 then
    counts.edit = counts.edit + 1
    local body = '{"instructions": "Lasttest ' .. math.random(1000000) .. '"}'
    local role = roles[math.random(#roles)]
    pending[#pending + 1] = role
    -- If-Match: the ETag this thread last saw for the role (a 412 teaches it the new one)
    return wrk.format("PATCH", "/api/roles/" .. role,
      {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json",
       ["If-Match"] = etags[role] or '"v0"'}, body)
  elseif roll < 0.82 then
    counts.ask = counts.ask + 1
    return wrk.format("POST", "/api/ask",
      {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
      '{"q": ' .. q() .. '}')
  else
    counts.webhook = counts.webhook + 1
    update_id = update_id + 1
    local user = 700000 + math.random(0, 399)
    local body = '{"update_id": ' .. update_id .. ', "message": {"message_id": ' .. update_id ..
      ', "date": 1790000000, "chat": {"id": ' .. user .. ', "type": "private"}, "from": {"id": ' ..
      user .. ', "is_bot": false, "first_name": "Ssk"}, "text": ' .. q() .. '}}'
    return wrk.format("POST", "/telegram/webhook",
      {["X-Telegram-Bot-Api-Secret-Token"] = secret, ["Content-Type"] = "application/json"}, body)
  end
end

function done(summary, latency, requests)
  local total = {ask = 0, webhook = 0, edit = 0}
  local refused = 0
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = total[k] + v end
    refused = refused + t:get("conflicts")
  end
  io.write(string.format("CONFLICTS %d\n", refused))
  io.write(string.format("KINDS ask=%d webhook=%d edit=%d\n", total.ask, total.webhook,
    total.edit))
  io.write(string.format("LATENCY p50=%.2f p90=%.2f p99=%.2f max=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
