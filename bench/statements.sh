#!/usr/bin/env bash
# JMH benchmark of one statements-collector sample against a real PostgreSQL with 10,000 distinct
# statements in pg_stat_statements. Prints JMH's table, including gc.alloc.rate.norm (bytes
# allocated per sample), and the series count ("# drwatch:" lines). Results: docs/performance.md.
#
#   bench/statements.sh                 # PostgreSQL 17, JMH defaults of the benchmark
#   PG=18 bench/statements.sh -i 3      # extra arguments go to JMH
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -o -DskipTests test-compile
./mvnw -q -o -pl agent dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="agent/target/test-classes:agent/target/classes:$(cat agent/target/bench.classpath)"
exec java -cp "$CP" org.openjdk.jmh.Main 'io.drwatch.bench.StatementsBenchmark' -prof gc \
  -jvmArgsAppend "-Ddrwatch.bench.pg=${PG:-17} -Ddrwatch.pg.binaries=$PWD/agent/target/pg-binaries" "$@"
