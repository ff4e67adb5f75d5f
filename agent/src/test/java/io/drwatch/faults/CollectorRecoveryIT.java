package io.drwatch.faults;

import static io.drwatch.faults.FaultRig.collector;
import static io.drwatch.faults.FaultRig.has;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.TcpRelay;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A target frozen (SIGSTOP) until it reads down, then thawed: every collector's health reads 0
 * during the outage, and a collector with a long interval ({@code settings}, 1 min here) must not
 * keep reading 0 until its next tick once the target answers again. Before the fix it did, for up
 * to its whole interval (5 min for database_size), so a healthy target looked broken.
 */
class CollectorRecoveryIT {

  @Test
  void longIntervalCollectorsRunAgainAsSoonAsTheTargetAnswers() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
        TcpRelay relay = new TcpRelay(pg.primary().port())) {
      String hocon = FaultRig.hocon("interval = 1s, timeout = 1s, connect-timeout = 1s",
          FaultRig.target("t", relay.jdbcUrl(), "collectors { settings { interval = 60s } }"));
      try (FaultRig rig = FaultRig.start(hocon, Map.of())) {
        rig.await("settings ran", b -> has(b, "drwatch_target_up", "t", "1") && collector(b, "t", "settings", "1"),
            Duration.ofSeconds(30));
        pg.primary().freeze();
        try {
          rig.await("down, settings failed", b -> has(b, "drwatch_target_up", "t", "0")
              && collector(b, "t", "settings", "0"), Duration.ofSeconds(30));
        } finally {
          pg.primary().thaw();
        }
        long thawed = System.nanoTime();
        rig.await("up again", b -> has(b, "drwatch_target_up", "t", "1"), Duration.ofSeconds(30));
        long up = System.nanoTime();
        // The bound: a probe interval and a collector run after the target answers, far below the
        // 60 s the collector would otherwise wait for its next tick.
        rig.await("settings healthy again", b -> collector(b, "t", "settings", "1"), Duration.ofSeconds(10));
        long healthy = System.nanoTime();
        System.out.printf("recovery: up %d ms after the thaw, settings healthy %d ms after up (interval 60 s)%n",
            (up - thawed) / 1_000_000, (healthy - up) / 1_000_000);
        assertTrue(healthy - up < Duration.ofSeconds(10).toNanos());
      }
    }
  }
}
