package io.drwatch.collect.cockroach;

import io.drwatch.collect.Sample;
import io.drwatch.fixture.Exposition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The golden text the CockroachDB collector tests compare against: a collector's samples for
 * target crdb-1 at {@link #NOW}, as {@link Exposition#ofCollector} renders them.
 */
final class Goldens {

  static final Instant NOW = Instant.parse("2025-03-12T14:37:20Z");
  /** {@link #NOW} in Unix seconds, the unit of the rows' time columns. */
  static final double T = NOW.getEpochSecond();

  private Goldens() {}

  static String expose(String collector, List<Sample> samples) throws Exception {
    return Exposition.ofCollector("crdb-1", collector, samples, NOW, Duration.ofSeconds(180));
  }
}
