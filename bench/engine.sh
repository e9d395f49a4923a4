#!/usr/bin/env bash
# ComDB's engine vs RocksDB, side by side in one JVM, one run. See docs/benchmarks.md.
#   bench/engine.sh            1M keys (a few minutes)
#   bench/engine.sh --quick    200k keys, under a minute
# BENCH_DIR picks the disk to run on (default: the system temp directory).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/bench/target/comdb-bench.jar"
mvn -q -B -f "$root/pom.xml" -DskipTests -pl bench -am package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
exec java -Xms4g -Xmx4g -XX:+UseG1GC ${BENCH_DIR:+-Dbench.dir="$BENCH_DIR"} \
  -Djava.util.logging.config.file=/dev/null \
  -cp "$jar" io.comdb.bench.EngineBench "$@"
