-- wrk script: POSTs a JSON body to every request. bench/run.ts passes the body in BENCH_BODY (compact
-- payload.json); run by hand, it reads the file named by PAYLOAD (default payload.json).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
if wrk.body == nil then
  local f = assert(io.open(os.getenv("PAYLOAD") or "payload.json", "r"))
  wrk.body = f:read("*a")
  f:close()
end
