-- The HTTP benchmark's wrk script (http-bench.ts runs `wrk -s wrk-report.lua URL -- ROUTE BYTES`).
-- ROUTE `echo`: every request is a POST of BYTES bytes (Content-Type application/octet-stream);
-- `get`: plain GETs. At the end one line `WRK-RESULT {json}` on stdout: what wrk counted,
-- in its own units (microseconds), for the benchmark to read.

function init(args)
  if args[1] == "echo" then
    wrk.method = "POST"
    wrk.body = string.rep("x", tonumber(args[2]))
    wrk.headers["Content-Type"] = "application/octet-stream"
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
