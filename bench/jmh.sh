#!/usr/bin/env bash
# JMH benchmark of the exposition path (sample cache -> MetricSnapshots -> text / protobuf bytes,
# with and without gzip) at 10k and 100k series. Prints JMH's table with gc.alloc.rate.norm and the
# body sizes ("# drwatch:" lines). Not part of the test phase. Results: docs/performance.md.
#
#   bench/jmh.sh                        # both sizes, all benchmarks
#   bench/jmh.sh -p series=100000 -i 10 # extra arguments go to JMH
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -o -DskipTests test-compile
./mvnw -q -o -pl agent dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="agent/target/test-classes:agent/target/classes:$(cat agent/target/bench.classpath)"
exec java -cp "$CP" org.openjdk.jmh.Main 'io.drwatch.bench.ExpositionBenchmark' -prof gc "$@"
