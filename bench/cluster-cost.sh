#!/usr/bin/env bash
# Where a SET's CPU goes in a cluster (docs/benchmarks.md): the same redis-benchmark load (P1 SET, 50
# clients, random keys) against a standalone node, a one-node cluster, a three-node cluster without
# backups and one with a backup (bench/cluster.sh's setup), one after the other. For each it prints the
# requests per second and, per SET, the CPU time of every ComDB JVM by thread group (from
# /proc/<pid>/task/*/stat) and their context switches (/proc/<pid>/task/*/status).
# Options (environment): REQUESTS (200000), WARMUP (3 runs before the measured one), BENCH_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests="${REQUESTS:-200000}"
warmup="${WARMUP:-3}"
for tool in redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "bench/cluster-cost.sh: $tool is missing (apt-get install redis-tools)" >&2; exit 1; }
done
name=cluster-cost
source "$root/bench/common.sh"
"$root/bin/comdb" --help >/dev/null # builds the jar if needed
jar="$root/verticles/target/comdb.jar"

# Per-thread CPU ticks and context switches of the given pids: "pid tid group ticks voluntary involuntary" lines.
threads() {
  python3 - "$@" <<'EOF'
import os, re, sys
for pid in sys.argv[1:]:
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            stat = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
            status = open(f"/proc/{pid}/task/{tid}/status").read()
        except OSError:
            continue
        group = ("event-loops" if name.startswith("vert.x-eventloo") else "writer" if name.startswith("comdb-engine")
                 else "gc" if re.match(r"(GC Thread|G1 )", name) else "jit" if "CompilerThre" in name else "other")
        switches = [int(re.search(k + r":\s+(\d+)", status).group(1)) for k in ("\nvoluntary_ctxt_switches", "nonvoluntary_ctxt_switches")]
        print(pid, tid, group, int(stat[11]) + int(stat[12]), *switches)
EOF
}

# Before and after snapshots, requests -> one summary line per JVM and a total.
summarise() {
  python3 - "$1" "$2" "$3" "$(getconf CLK_TCK)" <<'EOF'
import collections, sys
before, after, n, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def load(path):
    return {(l.split()[0], l.split()[1]): l.split() for l in open(path)}
a, b = load(before), load(after)
cpu = collections.defaultdict(lambda: collections.Counter()); switches = collections.Counter()
for key, row in b.items():
    old = a.get(key, [row[0], row[1], row[2], "0", "0", "0"])
    pid, group = row[0], row[2]
    cpu[pid][group] += (int(row[3]) - int(old[3])) * 1e6 / hz / n
    switches[pid] += (int(row[4]) - int(old[4]) + int(row[5]) - int(old[5])) / n
order = ["event-loops", "writer", "gc", "jit", "other"]
for pid in sorted(cpu):
    parts = " ".join(f"{g} {cpu[pid][g]:.1f}" for g in order)
    print(f"    jvm {pid}: {sum(cpu[pid].values()):5.1f} us/SET ({parts}); {switches[pid]:.2f} context switches/SET")
print(f"    all JVMs: {sum(sum(c.values()) for c in cpu.values()):.1f} us of CPU and {sum(switches.values()):.2f} context switches per SET")
EOF
}

bench() { # port -> requests per second
  redis-benchmark -p "$1" -c 50 -d 100 -r 1000000 -n "$requests" -P 1 -t set --csv 2>/dev/null \
    | awk -F'","' 'NR > 1 {gsub(/"/, "", $2); print $2}'
}

# label nodes backups: starts them (nodes 0: a standalone node), loads node 0, measures, stops them.
measure() {
  local label="$1" nodes="$2" backups="$3" port members="" started=() hz=() resp=()
  if [[ $nodes == 0 ]]; then
    resp[0]="$(free_port)"
    java -Xmx1g -jar "$jar" server --data-dir "$work/$label" --http-port 0 --resp-port "${resp[0]}" --sync interval \
      >"$work/$label.log" 2>&1 &
    started+=($!)
  else
    for i in $(seq 0 $((nodes - 1))); do hz[$i]="$(free_port)"; resp[$i]="$(free_port)"; members+="${members:+,}127.0.0.1:${hz[$i]}"; done
    for i in $(seq 0 $((nodes - 1))); do
      COMDB_CLUSTER_BACKUPS="$backups" java -Xmx1g -jar "$jar" server --cluster --cluster-port "${hz[$i]}" \
        --cluster-members "$members" --data-dir "$work/$label-$i" --http-port 0 --resp-port "${resp[$i]}" --line-port 0 \
        --sync interval >"$work/$label-$i.log" 2>&1 &
      started+=($!)
    done
  fi
  pids+=("${started[@]}")
  for port in "${resp[@]}"; do wait_ping "$port"; done
  if [[ $nodes -gt 0 ]]; then
    wait_settled $((271 * (backups + 1))) "${resp[@]}" # every partition and its backups held
  fi
  for _ in $(seq 1 "$warmup"); do bench "${resp[0]}" >/dev/null; done
  threads "${started[@]}" >"$work/before"
  local rps
  rps="$(bench "${resp[0]}")"
  threads "${started[@]}" >"$work/after"
  echo "$label: $rps SET/s"
  summarise "$work/before" "$work/after" "$requests"
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=() # one configuration runs at a time
}

measure standalone 0 0
measure cluster-1-node 1 0
measure cluster-3-nodes-no-backup 3 0
measure cluster-3-nodes-1-backup 3 1
