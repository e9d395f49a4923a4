#!/usr/bin/env bash
# A three-node ComDB cluster on loopback against one standalone node, in one run (docs/cluster.md,
# docs/benchmarks.md). All nodes share this machine's cores, so this measures what forwarding and
# replication cost, not scale-out.
#   1. redis-benchmark (random keys, SET and GET, P1 and P16) against the standalone node and against
#      one node of the cluster (a plain client: the node forwards what it does not own);
#   2. a write load through one node while another is killed with SIGKILL: the time from the kill to the
#      first successful write to one of its slots, and how many acknowledged writes are missing after.
# Last line: cluster-bench p1_set_ratio=.. p16_set_ratio=.. p1_get_ratio=.. failover_ms=.. lost_acked=..
# Options (environment): REQUESTS (200000), ROUNDS (3), WARMUP (3: runs of each test on each target
# before the measured rounds; four JVMs on two cores take that long to compile their hot paths), SYNC
# (interval), BENCH_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests="${REQUESTS:-200000}"
rounds="${ROUNDS:-3}"
warmup="${WARMUP:-3}"
sync="${SYNC:-interval}"
for tool in redis-benchmark redis-cli /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "bench/cluster.sh: $tool is missing (apt-get install redis-tools python3-redis)" >&2; exit 1; }
done
name=cluster
source "$root/bench/common.sh"

"$root/bin/comdb" --help >/dev/null # builds the jar if needed
jar="$root/verticles/target/comdb.jar"

single="$(free_port)"
java -Xmx1g -jar "$jar" server --data-dir "$work/single" --http-port 0 --resp-port "$single" --sync "$sync" \
  >"$work/single.log" 2>&1 &
pids+=($!)
hz=("$(free_port)" "$(free_port)" "$(free_port)")
members="127.0.0.1:${hz[0]},127.0.0.1:${hz[1]},127.0.0.1:${hz[2]}"
node=()
node_pid=()
for i in 0 1 2; do
  node[$i]="$(free_port)"
  java -Xmx1g -jar "$jar" server --cluster --cluster-port "${hz[$i]}" --cluster-members "$members" \
    --data-dir "$work/node$i" --http-port 0 --resp-port "${node[$i]}" --line-port 0 --sync "$sync" >"$work/node$i.log" 2>&1 &
  pids+=($!)
  node_pid[$i]=$!
done
wait_ping "$single"
for i in 0 1 2; do wait_ping "${node[$i]}"; done
wait_settled 542 "${node[@]}" # every partition and its backup held

bench() { # port pipeline tests -> "test rps" lines
  redis-benchmark -p "$1" -c 50 -d 100 -r 1000000 -n "$requests" -P "$2" -t "$3" --csv 2>/dev/null \
    | awk -F'","' 'NR > 1 {gsub(/"/, "", $1); gsub(/"/, "", $2); print tolower($1), $2}'
}
median() { # "test rps" lines -> the median rps of test $1
  awk -v t="$1" '$1 == t {print $2}' "$2" | sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}
ratio() { # label pipeline tests -> sets ratio_<test>
  for _ in $(seq 1 "$warmup"); do
    bench "$single" "$2" "$3" >/dev/null
    bench "${node[0]}" "$2" "$3" >/dev/null
  done
  : >"$work/single.all"; : >"$work/cluster.all"
  for _ in $(seq 1 "$rounds"); do
    bench "$single" "$2" "$3" >>"$work/single.all"
    bench "${node[0]}" "$2" "$3" >>"$work/cluster.all"
  done
  for t in ${3//,/ }; do
    s="$(median "$t" "$work/single.all")"; c="$(median "$t" "$work/cluster.all")"
    echo "--- $1 $t: standalone $s, 3-node cluster $c requests/s (median of $rounds)" >&2
    printf -v "ratio_${1}_$t" '%.2f' "$(awk -v c="$c" -v s="$s" 'BEGIN {print c / s}')"
  done
}
ratio p1 1 set,get
ratio p16 16 set

# Failover: writers through node 0 while node 2 dies; then every acknowledged write is read back.
failover="$(/usr/bin/python3 - "${node[0]}" "${node[2]}" "${node_pid[2]}" <<'EOF'
import os, signal, sys, threading, time, redis
port, victim_port, victim_pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
r = redis.Redis(port=port, socket_timeout=60)
aware = redis.Redis(port=port) # asks for the slot map, so it would get -MOVED: kept apart from the writers
slots = [tuple(s[:2]) for s in aware.execute_command('CLUSTER', 'SLOTS') if s[2][1] == victim_port]
probe = next(k for k in ('probe:%d' % i for i in range(100000))
             if any(a <= aware.execute_command('CLUSTER', 'KEYSLOT', k) <= b for a, b in slots))
acked, stop = {}, False
def write(t):
    c = redis.Redis(port=port, socket_timeout=60)
    i = 0
    while not stop:
        k = 'load:%d:%d' % (t, i)
        try:
            c.set(k, k); acked[k] = k
        except redis.RedisError:
            pass
        i += 1
threads = [threading.Thread(target=write, args=(t,)) for t in range(8)]
[t.start() for t in threads]
time.sleep(3)
os.kill(victim_pid, signal.SIGKILL)
killed = time.monotonic()
while True:
    try:
        r.set(probe, 'after the kill'); break
    except redis.RedisError:
        time.sleep(0.02)
failover_ms = int((time.monotonic() - killed) * 1000)
time.sleep(3)
stop = True
[t.join() for t in threads]
lost = sum(1 for k, v in acked.items() if r.get(k) != v.encode())
print(failover_ms, lost, len(acked))
EOF
)"
read -r failover_ms lost_acked acked <<<"$failover"
echo "--- failover: first write to the dead node's slots $failover_ms ms after SIGKILL; $lost_acked of $acked acknowledged writes missing" >&2
echo "cluster-bench p1_set_ratio=$ratio_p1_set p16_set_ratio=$ratio_p16_set p1_get_ratio=$ratio_p1_get failover_ms=$failover_ms lost_acked=$lost_acked"
