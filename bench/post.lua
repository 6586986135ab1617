-- wrk script: POST the payload named by $PAYLOAD (bench/payload.json) as JSON to every request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("PAYLOAD") or "payload.json", "r"))
wrk.body = f:read("*a")
f:close()
