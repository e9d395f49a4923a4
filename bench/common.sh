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
