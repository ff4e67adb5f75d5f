package io.drwatch.collect.cockroach;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Sample;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.TestClock;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The golden text the CockroachDB collector tests compare against: a collector's samples for
 * target crdb-1 as /metrics shows them at {@link #NOW}, TYPE lines kept, HELP lines and the agent's
 * own drwatch_* families dropped. Every rendering also passes {@code promtool check metrics}.
 */
final class Goldens {

  static final Instant NOW = Instant.parse("2025-03-12T14:37:20Z");
  /** {@link #NOW} in Unix seconds, the unit of the rows' time columns. */
  static final double T = NOW.getEpochSecond();

  private Goldens() {}

  static String expose(String collector, List<Sample> samples) throws Exception {
    TestClock clock = new TestClock(NOW);
    SampleCache cache = new SampleCache(clock);
    cache.putResult(new CollectorResult("crdb-1", collector, true, samples, NOW, 0.01, null, NOW, 0,
        Duration.ofSeconds(180)));
    String full = Exposition.text(new CacheSnapshots(cache, clock).collect());
    assertEquals("", Promtool.checkMetrics(full), full);
    return Exposition.withoutAgentFamilies(full);
  }
}
