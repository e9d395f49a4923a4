#!/usr/bin/env bash
# The HTTP API under load: wrk (Debian package wrk) on loopback, 50 connections, against bin/comdb server
# with sync interval on a fresh data directory. After a 5 s warm-up, PUTs (100-byte values over 100k keys), then GETs of
# random keys of the same set. Prints one line:
#   http-bench get_ops=<n> put_ops=<n> p99_ms=<n>     (p99: the worse of the two phases)
# Options (environment): SYNC (server sync mode, default interval), DURATION (seconds per phase, default 20), CONNECTIONS (50), THREADS (2), KEYS (100000),
# BENCH_DIR (where the data directory goes; default the system temp directory).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${DURATION:-20}"
connections="${CONNECTIONS:-50}"
threads="${THREADS:-2}"
keys="${KEYS:-100000}"
sync="${SYNC:-interval}"
command -v wrk >/dev/null || { echo "bench/http.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/comdb-http-bench.XXXXXX")"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$root/bin/comdb" --help >/dev/null # builds the jar if needed, before the clock starts
java -Xms2g -Xmx2g -jar "$root/verticles/target/comdb.jar" server \
  --data-dir "$work/data" --http-port "$port" --sync "$sync" >"$work/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

cat >"$work/put.lua" <<LUA
local body = string.rep("v", 100)
request = function()
  return wrk.format("PUT", "/v1/kv/key" .. math.random(0, $keys - 1), nil, body)
end
LUA
cat >"$work/get.lua" <<LUA
request = function()
  return wrk.format("GET", "/v1/kv/key" .. math.random(0, $keys - 1))
end
LUA

run() { # phase script -> prints requests/s and p99 ms
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$2" "http://127.0.0.1:$port" >"$work/$1.out"
  cat "$work/$1.out" >&2
  local rps p99
  rps="$(awk '/^Requests\/sec:/ {printf "%d", $2}' "$work/$1.out")"
  p99="$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}' "$work/$1.out")"
  echo "$rps $p99"
}

# Warm-up, not counted: the JIT compiles the request path in the first seconds.
wrk -t"$threads" -c"$connections" -d5s -s "$work/put.lua" "http://127.0.0.1:$port" >/dev/null
read -r put_ops put_p99 < <(run put "$work/put.lua")
read -r get_ops get_p99 < <(run get "$work/get.lua")
p99="$(awk -v a="$put_p99" -v b="$get_p99" 'BEGIN {printf "%.2f", (a > b ? a : b)}')"
echo "stats: $(curl -s "http://127.0.0.1:$port/v1/stats")" >&2
echo "http-bench get_ops=$get_ops put_ops=$put_ops p99_ms=$p99 (get_p99_ms=$get_p99 put_p99_ms=$put_p99)"
