package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.SandboxConfig;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.TcpRelay;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The outage a target's clients see, probe by probe (driven by the test, so the bounds are tight):
 * it starts at the first failed probe and ends at the next answer, here from a restarted server.
 */
class OutageIT {

  private static double seconds(Instant a, Instant b) {
    return (b.toEpochMilli() - a.toEpochMilli()) / 1000.0;
  }

  @Test
  void fromTheFirstFailedProbeToTheNextAnswer() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
        TcpRelay endpoint = new TcpRelay(pg.primary().port());
        Watch watch = new Watch(SandboxConfig.of(pg, "defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }",
            "", "endpoint", endpoint.jdbcUrl()))) {
      assertTrue(watch.sampler("endpoint").probe());
      pg.primary().stop();
      Instant f0 = Instant.now();
      assertFalse(watch.sampler("endpoint").probe());
      Instant f1 = Instant.now();
      assertFalse(watch.sampler("endpoint").probe(), "a second failure does not move the start");
      assertEquals(0, Series.value(watch.exposition(), "drwatch_target_outage_duration_seconds_count",
          "target", "endpoint").orElseThrow(), "an outage still going on is not recorded yet");
      Await.elapse(Duration.ofMillis(1500), "the outage lasts 1.5 s");
      pg.primary().start();
      Instant s0 = Instant.now();
      assertTrue(watch.sampler("endpoint").probe());
      Instant s1 = Instant.now();
      assertTrue(watch.sampler("endpoint").probe());

      String text = watch.exposition();
      double outage = Series.value(text, "drwatch_target_last_outage_duration_seconds", "target", "endpoint",
          "cluster", "c1").orElseThrow();
      System.out.printf("outage recorded %.3f s; bounds %.3f..%.3f s%n", outage, seconds(f1, s0), seconds(f0, s1));
      assertTrue(outage >= seconds(f1, s0) && outage <= seconds(f0, s1), "outage " + outage);
      assertEquals(1, Series.value(text, "drwatch_target_outage_duration_seconds_count", "target", "endpoint")
          .orElseThrow());
      assertEquals(0, Series.value(text, "drwatch_target_outage_duration_seconds_bucket", "target", "endpoint",
          "le", "1.0").orElseThrow(), "at least the 1.5 s the server was down");
      assertEquals(1, Series.value(text, "drwatch_target_outage_duration_seconds_bucket", "target", "endpoint",
          "le", "+Inf").orElseThrow());
      assertTrue(Series.value(text, "drwatch_target_outage_duration_seconds_count", "target", "primary").isEmpty(),
          "the member behind the endpoint was never probed here, so it has no outage history");
    }
  }
}
