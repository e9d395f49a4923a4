#!/usr/bin/env bash
# ComDB's RESP server against redis-server 7.0, side by side in one run, with redis-benchmark (Debian
# packages redis-server and redis-tools). See docs/benchmarks.md.
#   redis-server: appendonly yes, appendfsync everysec    ComDB: sync interval (1000 ms)
#   then SET with every write on disk: appendfsync always / sync always
#   then EVALSHA of a fixed-window rate limiter (INCR, EXPIRE on the first hit) over 1,000,000 keys
#   then PFADD of random elements into 1,000 HyperLogLogs
#   then ZADD into and ZRANGEBYSCORE ... LIMIT 0 10 over a 1,000,000-member sorted set, and the same range
#   over a 1,000-member one (the last line compares ComDB's cost of the two)
#   then XADD of an auto-ID entry to one stream
# Prints one line per comparison: resp-bench <P1|P16|ALWAYS|SCRIPT|HLL|ZSET|STREAM> <test>=<ComDB/Redis ratio> ...
# Each comparison runs ROUNDS rounds, ComDB then Redis in each, and compares the medians: on a shared
# 2-core machine single runs of either server swing by tens of percent from minute to minute.
# Options (environment): REQUESTS (300000), TESTS (set,get,incr,lpush,rpop,sadd,hset,zadd), ROUNDS (3),
# SUITES (p1,p16,always,script,hll,zset,stream), BENCH_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests="${REQUESTS:-300000}"
tests="${TESTS:-set,get,incr,lpush,rpop,sadd,hset,zadd}"
rounds="${ROUNDS:-3}"
suites="${SUITES:-p1,p16,always,script,hll,zset,stream}"
for tool in redis-server redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "bench/resp.sh: $tool is missing (apt-get install redis-server redis-tools)" >&2; exit 1; }
done
name=resp
source "$root/bench/common.sh"
# The servers start in this shell, not in a $(...) subshell, so that their pids reach the cleanup.
start_redis() { # fsync policy -> the port, in $port
  local dir
  port="$(free_port)"; dir="$work/redis-$1"; mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly yes --appendfsync "$1" \
    >"$dir/log" 2>&1 &
  pids+=($!)
  wait_ping "$port"
}
start_comdb() { # sync mode -> the port, in $port
  port="$(free_port)"
  java -Xms2g -Xmx2g -jar "$root/verticles/target/comdb.jar" server --data-dir "$work/comdb-$1" \
    --http-port 0 --resp-port "$port" --sync "$1" >"$work/comdb-$1.log" 2>&1 &
  pids+=($!)
  wait_ping "$port"
}
bench() { # port pipeline tests -> "test rps" lines
  redis-benchmark -p "$1" -c 50 -d 100 -r 1000000 -n "$requests" -P "$2" -t "$3" --csv 2>/dev/null \
    | awk -F'","' 'NR > 1 {gsub(/"/, "", $1); gsub(/"/, "", $2); print tolower($1), $2}'
}
bench_command() { # port name command... -> "name rps": one command of redis-benchmark's own
  local port="$1" label="$2"; shift 2
  redis-benchmark -p "$port" -c 50 -r 1000000 -n "$requests" --csv "$@" 2>/dev/null \
    | awk -F'","' -v label="$label" 'NR > 1 {gsub(/"/, "", $2); print label, $2}'
}
median() { # "test rps" lines of several rounds -> "test median_rps", in the tests' order
  awk '{ if (!($1 in n)) order[++k] = $1; v[$1, ++n[$1]] = $2 }
    END { for (i = 1; i <= k; i++) { t = order[i]; m = n[t]
      for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (v[t, b] < v[t, a]) { x = v[t, a]; v[t, a] = v[t, b]; v[t, b] = x }
      print t, (m % 2 ? v[t, (m + 1) / 2] : (v[t, m / 2] + v[t, m / 2 + 1]) / 2) } }' "$@"
}
compare() { # label comdb_port redis_port how args...: "how port args..." prints "test rps" lines
  local label="$1" comdb="$2" redis="$3" how="$4"
  shift 4
  "$how" "$comdb" "$@" >/dev/null # warm-up: the JIT compiles the command path
  : >"$work/comdb.all"; : >"$work/redis.all"
  for round in $(seq 1 "$rounds"); do
    "$how" "$comdb" "$@" >>"$work/comdb.all"
    "$how" "$redis" "$@" >>"$work/redis.all"
  done
  median "$work/comdb.all" >"$work/comdb.out"
  median "$work/redis.all" >"$work/redis.out"
  echo "--- $label: ComDB / redis-server requests per second, median of $rounds rounds (each round's figures after)" >&2
  paste -d' ' "$work/comdb.out" "$work/redis.out" >&2
  echo "ComDB rounds: $(tr '\n' ' ' <"$work/comdb.all")" >&2
  echo "Redis rounds: $(tr '\n' ' ' <"$work/redis.all")" >&2
  echo "resp-bench $label $(paste -d' ' "$work/comdb.out" "$work/redis.out" \
    | awk '{printf "%s%s=%.2f", (NR > 1 ? " " : ""), $1, $2 / $4}')"
}

"$root/bin/comdb" --help >/dev/null # builds the jar if needed
start_redis everysec; redis_port="$port"
start_comdb interval; comdb_port="$port"
[[ ",$suites," == *,p1,* ]] && compare P1 "$comdb_port" "$redis_port" bench 1 "$tests"
[[ ",$suites," == *,p16,* ]] && compare P16 "$comdb_port" "$redis_port" bench 16 "$tests"
if [[ ",$suites," == *,script,* ]]; then
  limiter="local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end if n > tonumber(ARGV[1]) then return 0 end return 1"
  sha="$(redis-cli -p "$redis_port" SCRIPT LOAD "$limiter")"
  [[ "$(redis-cli -p "$comdb_port" SCRIPT LOAD "$limiter")" == "$sha" ]] || { echo "bench/resp.sh: SCRIPT LOAD differs" >&2; exit 1; }
  compare SCRIPT "$comdb_port" "$redis_port" bench_command evalsha EVALSHA "$sha" 1 "rl:__rand_int__" 100 60
fi
# Keys and elements random (-r 1000000): most keys get a few elements, as sessions or pages counted apart.
[[ ",$suites," == *,hll,* ]] && compare HLL "$comdb_port" "$redis_port" bench_command pfadd PFADD "hll:{__rand_int__}" "e:__rand_int__:__rand_int__"
if [[ ",$suites," == *,zset,* ]]; then
  # Members as redis-benchmark names them (__rand_int__ is 12 digits), scored by their number: the ZADDs
  # below update members of zbig, and the ranges start at a random score.
  fill_zset() { # port key members step: ZADD key i*step m:<i> for i < members, 1,000 members a command
    python3 - "$2" "$3" "$4" <<'PY' | redis-cli -p "$1" --pipe >/dev/null
import sys
key, members, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = sys.stdout.buffer
def command(args):
    out.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
for start in range(0, members, 1000):
    args = [b"ZADD", key.encode()]
    for i in range(start, min(start + 1000, members)):
        args += [str(i * step).encode(), b"m:%012d" % i]
    command(args)
PY
  }
  zset_bench() { # port -> "test rps" lines
    bench_command "$1" zadd_1m ZADD zbig __rand_int__ "m:__rand_int__"
    bench_command "$1" zrangebyscore_1m ZRANGEBYSCORE zbig __rand_int__ +inf LIMIT 0 10
    bench_command "$1" zrangebyscore_1k ZRANGEBYSCORE zsmall __rand_int__ +inf LIMIT 0 10
  }
  for port in "$comdb_port" "$redis_port"; do
    fill_zset "$port" zbig 1000000 1
    fill_zset "$port" zsmall 1000 1000
    [[ "$(redis-cli -p "$port" ZCARD zbig) $(redis-cli -p "$port" ZCARD zsmall)" == "1000000 1000" ]] \
      || { echo "bench/resp.sh: filling the sorted sets failed on port $port" >&2; exit 1; }
  done
  compare ZSET "$comdb_port" "$redis_port" zset_bench
  awk '$1 == "zrangebyscore_1m" { big = $2 } $1 == "zrangebyscore_1k" { small = $2 }
    END { printf "resp-bench ZSET-COST zrangebyscore_1m_cost_vs_1k=%.2f\n", small / big }' "$work/comdb.out"
fi
[[ ",$suites," == *,stream,* ]] && compare STREAM "$comdb_port" "$redis_port" bench_command xadd XADD events '*' kind click user "u:__rand_int__"
if [[ ",$suites," == *,always,* ]]; then
  start_redis always; redis_always="$port"
  start_comdb always; comdb_always="$port"
  compare ALWAYS "$comdb_always" "$redis_always" bench 1 set
fi
exit 0
