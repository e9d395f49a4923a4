# Helpers of the benchmark scripts that start servers: source it after setting "name".
# It makes the work directory ($work) and stops every process whose pid is in $pids when the script exits,
# even when it fails.
work="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/comdb-$name-bench.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ping() { # port: waits until a RESP server answers PING there
  for _ in $(seq 1 240); do
    [[ "$(redis-cli -p "$1" PING 2>/dev/null)" == PONG ]] && return 0
    sleep 0.5
  done
  echo "bench/$name.sh: nothing answers on port $1" >&2; exit 1
}
info_field() { # port field: a field of CLUSTER INFO at that port, 0 if it does not answer
  redis-cli -p "$1" CLUSTER INFO 2>/dev/null | tr -d '\r' | awk -F: -v f="$2" '$1 == f {print $2} END {if (!NR) print 0}'
}
wait_settled() { # held port...: waits (up to 2 min) until the cluster nodes at these ports all know each other,
  # hold $held partitions in all (owners' and backups' copies), and fill none
  local want="$1" held filling known port
  shift
  for _ in $(seq 1 240); do
    held=0; filling=0; known=0
    for port in "$@"; do
      held=$((held + $(info_field "$port" comdb_partitions_held)))
      filling=$((filling + $(info_field "$port" comdb_partitions_filling)))
      known=$((known + $(info_field "$port" cluster_known_nodes)))
    done
    [[ $known == $(($# * $#)) && $filling == 0 && $held == "$want" ]] && break
    sleep 0.5
  done
  echo "cluster settled: held $held, filling $filling" >&2
}
