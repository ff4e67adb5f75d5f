package io.drwatch.faults;

import static io.drwatch.faults.FaultRig.collector;
import static io.drwatch.faults.FaultRig.has;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A crashed server (SIGKILL: the port refuses at once) and a frozen one (SIGSTOP: the kernel still
 * accepts, nothing answers) read {@code drwatch_target_up 0} within the probe interval plus the
 * probe timeout, whatever the pool's connect-timeout (left at its 5 s default here). Before the
 * probe had a deadline of its own, both took the connect-timeout: 5.7 s and 5.5 s at
 * {@code interval = 1s, timeout = 1s}.
 *
 * <p>Bound: interval + timeout + {@value #SLACK_MS} ms, the slack covering the exposition's
 * coalesced rebuild (up to 1 s) and this test's 250 ms polling on a loaded 2-core machine.
 */
class CrashDetectionIT {

  static final long SLACK_MS = 2_000;
  static final long BOUND_MS = 1_000 + 1_000 + SLACK_MS;

  @Test
  void crashedAndFrozenServersReadDownWithinIntervalPlusTimeout() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start()) {
      String hocon = FaultRig.hocon("interval = 1s, timeout = 1s",
          FaultRig.target("pg", pg.primary().jdbcUrl(), ""));
      try (FaultRig rig = FaultRig.start(hocon, Map.of())) {
        awaitUp(rig);
        long frozenMs = downAfter(rig, () -> pg.primary().freeze());
        pg.primary().thaw();
        awaitUp(rig);
        long crashedMs = downAfter(rig, () -> pg.primary().kill());
        System.out.printf("down detected: frozen after %d ms, crashed after %d ms (bound %d ms)%n",
            frozenMs, crashedMs, BOUND_MS);
        assertTrue(frozenMs <= BOUND_MS, "frozen server read down after " + frozenMs + " ms, bound " + BOUND_MS);
        assertTrue(crashedMs <= BOUND_MS, "crashed server read down after " + crashedMs + " ms, bound " + BOUND_MS);
        String body = rig.metrics();
        assertTrue(body.contains("drwatch_target_up{cluster=\"c1\",target=\"pg\"} 0.0")
            || has(body, "drwatch_target_up", "pg", "0"), body);
      }
    }
  }

  private static void awaitUp(FaultRig rig) throws Exception {
    rig.await("up", b -> has(b, "drwatch_target_up", "pg", "1") && collector(b, "pg", "wal", "1"),
        Duration.ofSeconds(60));
  }

  private static long downAfter(FaultRig rig, Runnable fault) throws Exception {
    fault.run();
    long t0 = System.nanoTime();
    // polled every 100 ms: the resolution of the measured time
    Await.until("target pg read down", Duration.ofSeconds(30), Duration.ofMillis(100), rig::metrics,
        b -> has(b, "drwatch_target_up", "pg", "0"), b -> "/metrics:\n" + b);
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
