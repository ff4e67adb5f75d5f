package io.drwatch.faults;

import static io.drwatch.faults.FaultRig.has;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One primary and two async standbys, shared by both scenarios (in this order): 200 concurrent
 * scrapes while one standby flaps, then a failover (standby promoted, old primary stopped).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlapAndFailoverIT {

  private PgSandbox pg;
  private FaultRig rig;

  /** How long flappy stays down, then up, while the scrapes run: the scenario's rhythm. */
  private static final Duration FLAP = Duration.ofMillis(700);

  @BeforeAll
  void start() throws Exception {
    pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("replica", PgSandbox.Sync.ASYNC).standby("flappy", PgSandbox.Sync.ASYNC).start();
    String hocon = FaultRig.hocon("interval = 1s, timeout = 1s, connect-timeout = 1s, max-connections = 2",
        FaultRig.target("primary", pg.primary().jdbcUrl(), ""),
        FaultRig.target("replica", pg.standby("replica").jdbcUrl(), ""),
        FaultRig.target("flappy", pg.standby("flappy").jdbcUrl(), ""));
    rig = FaultRig.start(hocon, Map.of());
  }

  @AfterAll
  void stop() {
    if (rig != null) {
      rig.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  @Order(1)
  void twoHundredConcurrentScrapesWhileAStandbyFlaps() throws Exception {
    rig.await("all up", b -> has(b, "drwatch_target_up", "primary", "1") && has(b, "drwatch_target_up", "replica", "1")
        && has(b, "drwatch_target_up", "flappy", "1"), Duration.ofSeconds(30));
    int threads0 = FaultRig.threads();
    AtomicBoolean flapping = new AtomicBoolean(true);
    Thread flapper = new Thread(() -> {
      while (flapping.get()) {
        pg.standby("flappy").stop();
        Await.elapse(FLAP, "flappy stays down for one flap");
        pg.standby("flappy").start();
        Await.elapse(FLAP, "flappy stays up for one flap");
      }
    }, "flapper");
    flapper.start();
    List<FaultRig.Scrape> scrapes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(200);
    try {
      for (int wave = 0; wave < 3; wave++) {
        List<CompletableFuture<FaultRig.Scrape>> f = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          f.add(CompletableFuture.supplyAsync(() -> {
            try {
              return rig.scrape("/metrics");
            } catch (Exception e) {
              return new FaultRig.Scrape(-1, e.toString(), -1);
            }
          }, pool));
        }
        for (CompletableFuture<FaultRig.Scrape> c : f) {
          scrapes.add(c.get(60, TimeUnit.SECONDS));
        }
      }
    } finally {
      pool.shutdownNow();
      flapping.set(false);
      flapper.join(30_000);
      if (!pg.standby("flappy").isRunning()) {
        pg.standby("flappy").start();
      }
    }
    long errors = scrapes.stream().filter(s -> s.status() != 200).count();
    long[] ms = scrapes.stream().mapToLong(FaultRig.Scrape::millis).sorted().toArray();
    System.out.printf("600 scrapes (3 waves of 200 at once) while flapping: errors %d, p50 %d ms, p99 %d ms, max %d ms%n",
        errors, ms[ms.length / 2], ms[(int) (ms.length * 0.99)], ms[ms.length - 1]);
    assertEquals(0, errors, scrapes.stream().filter(s -> s.status() != 200).findFirst().map(FaultRig.Scrape::body)
        .orElse(""));
    assertTrue(scrapes.stream().allMatch(s -> s.body().contains("drwatch_target_up{cluster=\"c1\",target=\"flappy\"}")),
        "every scrape is complete");
    // 200 at once on a loaded 2-core machine: bounded, generously (correctness, not performance).
    assertTrue(ms[ms.length - 1] < 10_000, "max latency " + ms[ms.length - 1] + " ms");
    rig.await("flappy back", b -> has(b, "drwatch_target_up", "flappy", "1"), Duration.ofSeconds(45));
    FaultRig.assertThreadsBounded(threads0, "after flapping");
  }

  @Test
  @Order(2)
  void failoverMidRunRolesAndTimelinesRedetected() throws Exception {
    rig.await("before", b -> has(b, "pg_in_recovery", "replica", "1") && has(b, "pg_in_recovery", "primary", "0")
        && has(b, "pg_timeline_id", "replica", "1"), Duration.ofSeconds(30));
    pg.primary().stop();
    pg.standby("replica").promote();
    String after = rig.await("promoted", b -> has(b, "pg_in_recovery", "replica", "0")
        && has(b, "pg_timeline_id", "replica", "2") && has(b, "drwatch_target_up", "primary", "0"), Duration.ofSeconds(60));
    assertTrue(has(after, "drwatch_target_up", "replica", "1"), after);
    assertTrue(has(after, "pg_in_recovery", "flappy", "1"), "the other standby is still a standby");
    rig.await("cluster sees the new timeline", b -> b.lines().anyMatch(l ->
        l.startsWith("drwatch_cluster_highest_timeline_id{") && FaultRig.valueIs(l, "2")), Duration.ofSeconds(30));
  }
}
