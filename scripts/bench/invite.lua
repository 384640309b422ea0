-- wrk: POST one new invitation per request, each to its own address, and
-- count the answers (201 created, anything else refused).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  n = 0
  created = 0
  refused = 0
end

function request()
  n = n + 1
  local body = string.format('{"email":"load-%d-%d@bench.example"}', id, n)
  return wrk.format("POST", nil, nil, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local c, r = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    r = r + t:get("refused")
  end
  io.write(string.format("created %d refused %d\n", c, r))
end
