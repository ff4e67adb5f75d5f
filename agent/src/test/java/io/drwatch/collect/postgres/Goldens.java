package io.drwatch.collect.postgres;

import io.drwatch.collect.Sample;
import io.drwatch.fixture.Exposition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The golden text the PostgreSQL collector tests compare against: a collector's samples for target
 * pg-a at {@link #NOW}, as {@link Exposition#ofCollector} renders them.
 */
final class Goldens {

  static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  private Goldens() {}

  static String expose(String collector, List<Sample> samples) throws Exception {
    return Exposition.ofCollector("pg-a", collector, samples, NOW, Duration.ofSeconds(45));
  }
}
