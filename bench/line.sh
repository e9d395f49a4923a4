#!/usr/bin/env bash
# ChromoDB's line protocol against ComDB's own RESP, and RESP over TLS against RESP in plain text, one
# server, one run (docs/benchmarks.md). 50 connections, one command at a time each, 100-byte values over
# 1,000,000 keys: PUT/GET with bench's LineBench client, SET/GET with redis-benchmark (Debian redis-tools,
# built with TLS). The certificate is a throwaway one made with openssl.
# Last line: line-bench put_ops=<n> get_ops=<n> resp_set_ops=<n> resp_get_ops=<n> tls_set_ratio=<TLS/plain> tls_get_ratio=<...>
# Each comparison runs ROUNDS rounds and compares the medians.
# Options (environment): REQUESTS (200000), ROUNDS (3), BENCH_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests="${REQUESTS:-200000}"
rounds="${ROUNDS:-3}"
for tool in redis-benchmark redis-cli openssl; do
  command -v "$tool" >/dev/null || { echo "bench/line.sh: $tool is missing" >&2; exit 1; }
done
name=line
source "$root/bench/common.sh"
[[ -f "$root/verticles/target/comdb.jar" && -f "$root/bench/target/comdb-bench.jar" ]] \
  || (cd "$root" && mvn -q -B package -DskipTests)

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
resp="$(free_port)"; tls="$(free_port)"; line="$(free_port)"
java -Xms2g -Xmx2g -jar "$root/verticles/target/comdb.jar" server --data-dir "$work/data" --http-port 0 \
  --resp-port "$resp" --resp-tls-port "$tls" --line-port "$line" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
  >"$work/comdb.log" 2>&1 &
pids+=($!)
wait_ping "$resp"

rps() { # redis-benchmark args... -> "test rps" lines
  redis-benchmark -c 50 -d 100 -r 1000000 -n "$requests" -t set,get --csv "$@" 2>/dev/null \
    | awk -F'","' 'NR > 1 {gsub(/"/, "", $1); gsub(/"/, "", $2); print tolower($1), $2}'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
bench="$root/bench/target/comdb-bench.jar"
rps -p "$resp" >/dev/null # warm-up: the JIT compiles the command paths
rps -p "$tls" --tls --cacert "$work/cert.pem" >/dev/null
java -cp "$bench" io.comdb.bench.LineBench "$line" 50 "$((requests / 4))" >/dev/null
# Rounds of the three, medians compared: single runs on a shared 2-core machine swing by tens of percent.
for round in $(seq 1 "$rounds"); do
  rps -p "$resp" >>"$work/plain"
  rps -p "$tls" --tls --cacert "$work/cert.pem" >>"$work/secure"
  java -cp "$bench" io.comdb.bench.LineBench "$line" 50 "$requests" | tr ' =' '\n ' >>"$work/line"
done
m() { awk -v t="$2" '$1 == t {print $2}' "$work/$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "RESP plain: set $(m plain set) get $(m plain get)"
echo "RESP TLS:   set $(m secure set) get $(m secure get)"
echo "line:       put $(m line put_ops) get $(m line get_ops)"
echo "line-bench put_ops=$(m line put_ops) get_ops=$(m line get_ops) resp_set_ops=$(m plain set) resp_get_ops=$(m plain get)" \
  "tls_set_ratio=$(ratio "$(m secure set)" "$(m plain set)") tls_get_ratio=$(ratio "$(m secure get)" "$(m plain get)")"
