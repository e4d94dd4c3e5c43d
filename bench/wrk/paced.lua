-- reviews.lua at a set pace: each connection waits PAUSE ms after every answer before its next request, so
-- the load is a chosen rate (about connections x 1000 / (PAUSE + latency) requests a second) rather than
-- as much as the server can take. Used to compare kinds of review under the same, unsaturated load.
-- Usage: wrk -tT -cC -dD -s paced.lua URL -- <documents.jsonl> <expected reason> <T> repeat <PAUSE ms>
dofile("bench/wrk/reviews.lua")

local reviews_init = init

function init(args)
  reviews_init(args)
  pause = tonumber(args[5])
end

function delay()
  return pause
end
