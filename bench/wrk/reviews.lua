-- wrk script: POSTs AdmissionReview documents over wrk's kept-alive HTTPS connections and checks each answer.
-- Usage: wrk -tT -cC -dD -s reviews.lua URL -- <documents.jsonl> <expected reason> <T> [once]
--   documents.jsonl  one AdmissionReview JSON document a line; thread i of T sends lines i, i+T, i+2T, ...
--   expected reason  an answer counts as bad unless it is HTTP 200 with "allowed":true and this reason
--   once             send each document once only (cold reviews: a repeated one would hit the cache); when a
--                    thread's share is used up it sends overflow.json (beside the documents) instead, and
--                    counts those answers as "overflow": the harness sizes the run so that there are none.
--                    (wrk.thread:stop() would end the thread instead, but Debian's wrk 4.1.0 ignores it on
--                    HTTPS connections: the thread goes on sending until the duration is over.)
-- done() prints one machine-readable RESULT line (latencies in microseconds) for bench/src/.../Wrk.java.
local threads = {}
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
end

function init(args)
  local path, count = args[1], tonumber(args[3])
  expected = '"reason":"' .. args[2] .. '"'
  once = args[4] == "once"
  requests = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % count == id then
      requests[#requests + 1] = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, line)
    end
    line_number = line_number + 1
  end
  if once then
    local document = io.open(path:match("^(.*/)") .. "overflow.json"):read("*l")
    overflow_request = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, document)
  end
  sent = 0
  bad = 0
  sample = ""
  overflow = 0
end

function request()
  sent = sent + 1
  if once and sent > #requests then
    return overflow_request
  end
  return requests[(sent - 1) % #requests + 1]
end

function response(status, headers, body)
  if body:find('"uid":"overflow"', 1, true) then
    overflow = overflow + 1
    return
  end
  if status ~= 200 or not body:find('"allowed":true', 1, true) or not body:find(expected, 1, true) then
    bad = bad + 1
    sample = status .. " " .. body
  end
end

function done(summary, latency, requests)
  local total_bad, total_overflow, any_sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_overflow = total_overflow + thread:get("overflow")
    if thread:get("sample") ~= "" then any_sample = thread:get("sample") end
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d"
      .. " connect=%d read=%d write=%d status=%d timeout=%d bad=%d overflow=%d\n", summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout, total_bad, total_overflow))
  if any_sample ~= "" then
    io.write("BAD " .. any_sample:gsub("%s+", " ") .. "\n")
  end
end
