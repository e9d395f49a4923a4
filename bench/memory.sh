#!/usr/bin/env bash
# Agent memory at scale (docs/benchmarks.md): MEMORIES memories in SPACES spaces through the HTTP batch API
# (the turns of the LoCoMo conversations in LOCOMO, 23 words on average, over and over; its questions are the
# searches) with dense search off, a restart, searches; then the same with dense search on
# (bge-small-en-v15) for DENSE_MEMORIES memories in DENSE_SPACES spaces. Each restart is a clean stop
# (SIGTERM) and a new process; restart_ms runs from the new process's start until /health answers, and the
# RSS is read then, before any search opens a space. Searches (k 10) run twice: a first pass of 2 clients
# opens the spaces it meets (its figures go to the log), then one client measures p95_search_ms: latency
# without a queue (two clients and the client's own JVM saturate the 2 cores).
# Last line: memory-bench ingest_per_s=<n> restart_ms=<n> rss_mb_after_restart=<n> p95_search_ms=<n> dense_ingest_per_s=<n> dense_restart_ms=<n>
# Options (environment): MEMORIES (1000000), SPACES (1000), DENSE_MEMORIES (50000), DENSE_SPACES (50),
# SEARCHES (2000), LOCOMO (../shared/data/locomo-dev), BENCH_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
memories="${MEMORIES:-1000000}"
spaces="${SPACES:-1000}"
dense_memories="${DENSE_MEMORIES:-50000}"
dense_spaces="${DENSE_SPACES:-50}"
searches="${SEARCHES:-2000}"
locomo="${LOCOMO:-$root/../shared/data/locomo-dev}"
name=memory
source "$root/bench/common.sh"
[[ -f "$root/verticles/target/comdb.jar" && -f "$root/bench/target/comdb-bench.jar" ]] \
  || (cd "$root" && mvn -q -B package -DskipTests)
python3 - "$locomo" "$work" <<'PY'
import glob, json, sys
turns, questions = [], []
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    d = json.load(open(f))
    turns += [t["text"] for k, v in d.items() if k.startswith("session_") and isinstance(v, list) for t in v]
    questions += [q["question"] for q in d.get("qa", []) if q.get("question")]
for name, lines in (("turns", turns), ("questions", questions)):
    with open(sys.argv[2] + "/" + name, "w") as out:
        out.writelines(json.dumps(line) + "\n" for line in lines)
PY
ingest() { java -cp "$root/bench/target/comdb-bench.jar" io.comdb.bench.MemoryBench ingest "$port" "$work/turns" "$@"; }
search() { java -cp "$root/bench/target/comdb-bench.jar" io.comdb.bench.MemoryBench search "$port" "$work/questions" "$@"; }
now_ms() { date +%s%3N; }

server=""
start() { # data-dir conf-file: starts a server on $port, sets $server and $up_ms (launch until /health answers)
  local t0; t0="$(now_ms)"
  java -jar "$root/verticles/target/comdb.jar" server --data-dir "$1" --conf "$2" --http-port "$port" --resp-port 0 \
    --line-port 0 >>"$work/comdb.log" 2>&1 &
  server=$!
  pids+=("$server")
  for _ in $(seq 1 2400); do
    if curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      up_ms=$(($(now_ms) - t0))
      return 0
    fi
    kill -0 "$server" 2>/dev/null || { echo "bench/memory.sh: the server exited; log:" >&2; tail -20 "$work/comdb.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "bench/memory.sh: the server did not come up" >&2; exit 1
}
stop() { kill -TERM "$server"; wait "$server" || true; }
rss_mb() { awk '{ printf "%d", $1 / 1024 }' <<<"$(ps -o rss= -p "$server")"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

port="$(free_port)"
echo '{}' >"$work/lexical.json"
echo '{"search": {"dense": "bge-small-en-v15"}}' >"$work/dense.json"

start "$work/lexical" "$work/lexical.json"
ingest_out="$(ingest "$spaces" "$((memories / spaces))" 500 4)"
echo "dense off: $memories memories in $spaces spaces: $ingest_out"
stop
start "$work/lexical" "$work/lexical.json"
restart_ms="$up_ms"
rss="$(rss_mb)"
echo "dense off: restart ${restart_ms} ms, RSS ${rss} MB"
echo "dense off, first searches (each opens its space): $(search "$spaces" "$searches" 2)"
search_out="$(search "$spaces" "$searches" 1)"
echo "dense off, searches again: $search_out, RSS $(rss_mb) MB"
stop

start "$work/dense" "$work/dense.json"
dense_ingest="$(ingest "$dense_spaces" "$((dense_memories / dense_spaces))" 100 2)"
echo "dense on: $dense_memories memories in $dense_spaces spaces: $dense_ingest"
stop
start "$work/dense" "$work/dense.json"
dense_restart_ms="$up_ms"
echo "dense on: restart ${dense_restart_ms} ms, RSS $(rss_mb) MB"
search "$dense_spaces" "$((searches / 4))" 2 >/dev/null
echo "dense on, hybrid searches: $(search "$dense_spaces" "$((searches / 4))" 1)"
stop

echo "memory-bench ingest_per_s=$(field "$ingest_out" ingest_per_s) restart_ms=$restart_ms rss_mb_after_restart=$rss" \
  "p95_search_ms=$(field "$search_out" p95_search_ms) dense_ingest_per_s=$(field "$dense_ingest" ingest_per_s) dense_restart_ms=$dense_restart_ms"
