#!/usr/bin/env bash
# Side-by-side benchmark: drwatch and Debian's prometheus-postgres-exporter against the same sandbox
# PostgreSQL primary + standby on loopback (io.drwatch.bench.SideBySide). Prints Markdown tables:
# /metrics latency at 1/10/50 scrapers, statements/min per exporter at 1/5/15 s x 1/4/8 scrapers,
# CPU and RSS at steady state, start-up, and one drwatch watching 50 and 100 targets pinned to core 0.
# Results: docs/performance.md. Default run: about 12 minutes. PostgreSQL 16 by default: Debian's
# exporter (0.11) fails its bgwriter collector on 17.
#
#   bench/run.sh                                   # defaults
#   STATEMENTS_SECONDS=300 SCALE_SECONDS=600 LATENCY_SECONDS=60 bench/run.sh   # soak
#   DRWATCH_JVM="-Xmx64m -XX:+UseSerialGC" PG=16 bench/run.sh
#   ONLY=scale bench/run.sh                          # only the 50/100-target runs
#   ONLY=side bench/run.sh                           # only the side-by-side, start-up and one-target runs
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v prometheus-postgres-exporter >/dev/null; then
  apt-get install -y prometheus-postgres-exporter >/dev/null
fi
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
./mvnw -q -o -DskipTests test-compile
./mvnw -q -o -pl agent dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/run.classpath
./mvnw -q -o -pl agent dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
RUN_CP="$PWD/agent/target/classes:$(cat agent/target/run.classpath)"
CP="agent/target/test-classes:agent/target/classes:$(cat agent/target/bench.classpath)"
args=(-Dbench.cp="$RUN_CP" -Dbench.pg="${PG:-16}" -Ddrwatch.pg.binaries="$PWD/agent/target/pg-binaries"
  -Dbench.latency.seconds="${LATENCY_SECONDS:-10}" -Dbench.statements.seconds="${STATEMENTS_SECONDS:-30}"
  -Dbench.scale.seconds="${SCALE_SECONDS:-50}")
if [[ -n "${ONLY:-}" ]]; then args+=(-Dbench.only="$ONLY"); fi
if [[ -n "${DRWATCH_JVM:-}" ]]; then args+=(-Dbench.jvm="$DRWATCH_JVM"); fi
exec java -Xmx256m "${args[@]}" -cp "$CP" io.drwatch.bench.SideBySide
