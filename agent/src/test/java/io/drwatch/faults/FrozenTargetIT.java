package io.drwatch.faults;

import static io.drwatch.faults.FaultRig.collector;
import static io.drwatch.faults.FaultRig.has;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.TcpRelay;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A target whose processes are all SIGSTOPped: TCP still connects (the kernel queues it), nothing
 * answers. Timeouts fire, /metrics keeps answering from the cache, no threads or connections pile
 * up, and after the thaw the agent recovers with no more sessions than its pool.
 */
class FrozenTargetIT {

  @Test
  void frozenTargetTimesOutWithoutPileUpAndRecoversAfterThaw() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
        TcpRelay relay = new TcpRelay(pg.primary().port())) {
      String hocon = FaultRig.hocon("interval = 1s, timeout = 1s, connect-timeout = 1s, max-connections = 2",
          FaultRig.target("frozen", relay.jdbcUrl(), ""));
      try (FaultRig rig = FaultRig.start(hocon, Map.of())) {
        rig.await("up", b -> has(b, "drwatch_target_up", "frozen", "1") && collector(b, "frozen", "wal", "1"),
            Duration.ofSeconds(30));
        int threads0 = FaultRig.threads();
        int accepted0 = relay.accepted();

        relay.resetPeaks();
        pg.primary().freeze();
        java.util.concurrent.atomic.AtomicInteger maxThreads = new java.util.concurrent.atomic.AtomicInteger(threads0);
        try {
          rig.await("down while frozen", b -> has(b, "drwatch_target_up", "frozen", "0"), Duration.ofSeconds(60));
          // The fault lasts several intervals: every scrape in the bound, threads and relayed connections flat.
          Await.throughout(Duration.ofSeconds(8), Await.EVERY, "the target stays frozen for 8 intervals", () -> {
            assertTrue(has(rig.metrics(), "drwatch_target_up", "frozen", "0"), "still down while frozen");
            FaultRig.assertThreadsBounded(threads0, "while frozen");
            return maxThreads.accumulateAndGet(FaultRig.threads(), Math::max);
          });
        } finally {
          pg.primary().thaw();
        }
        int acceptedFrozen = relay.accepted() - accepted0;

        rig.await("up after thaw", b -> has(b, "drwatch_target_up", "frozen", "1") && collector(b, "frozen", "wal", "1"),
            Duration.ofSeconds(60));
        // Connection attempts the agent abandoned while frozen reach the thawed server late and end there:
        // wait until the drwatch sessions are back within the pool.
        int sessions = Await.until("drwatch sessions on the thawed server within the pool of 2", Duration.ofSeconds(15),
            () -> FaultRig.sessions(pg.primary()), n -> n <= 2);
        System.out.println("threads after thaw: " + FaultRig.threadSummary());
        System.out.printf("frozen: threads %d -> max %d -> %d; relayed at once at most %d sessions and %d cancel "
            + "requests, %d connections opened while frozen; drwatch sessions after thaw %d%n",
            threads0, maxThreads.get(), FaultRig.threads(), relay.peakSessions(), relay.peakCancels(), acceptedFrozen,
            sessions);
        FaultRig.assertThreadsBounded(threads0, "after thaw");
        // The pool's 2, plus at most one being replaced (a timed-out connection is closed while its successor
        // opens); a login the agent gave up on must not linger beside its retry.
        assertTrue(relay.peakSessions() <= 3,
            "session connections open at once beyond the pool of 2 (+1 in replacement): " + relay.peakSessions());
        // A statement that timed out sends one cancel request on a connection of its own.
        assertTrue(relay.peakCancels() <= 2, "cancel requests open at once beyond one per pooled connection: "
            + relay.peakCancels());
        assertTrue(sessions <= 2, "sessions after thaw beyond the pool: " + sessions);
      }
    }
  }
}
