-- wrk script for `make bench`: every POST is a distinct submission with its own one-time key.
-- Environment: CSRF (token and cookie value), BODY_EXTRA (the rest of the form, urlencoded).
local threads = {}
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  ok = 0
  other = 0
  csrf = os.getenv("CSRF")
  extra = os.getenv("BODY_EXTRA")
  run = os.getenv("RUN_ID")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. csrf
  wrk.headers["Referer"] = os.getenv("REFERER")
end

function request()
  counter = counter + 1
  local key = string.format("%s-%04x-4000-8000-%012x", run, tid, counter)
  local body = "csrfmiddlewaretoken=" .. csrf .. "&form_key=" .. key .. "&" .. extra
  return wrk.format("POST", nil, nil, body)
end

function response(status, headers, body)
  if status == 302 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_other, sent = 0, 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_other = total_other + t:get("other")
    sent = sent + t:get("counter")
  end
  io.write(string.format(
    '{"sent": %d, "requests": %d, "ok": %d, "other": %d, "socket_errors": %d, "duration_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
    sent, summary.requests, total_ok, total_other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
