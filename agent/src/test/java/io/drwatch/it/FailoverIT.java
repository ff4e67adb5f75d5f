package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.TargetStatus;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Promotion is noticed: the promoted standby is re-detected with its new role and timeline. */
class FailoverIT {

  @Test
  void promotionChangesRoleAndTimelineAndSwapsCollectors() {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("replica", PgSandbox.Sync.ASYNC).start();
        Watch watch = Watch.sandbox(pg)) {
      watch.round();
      assertEquals("primary", status(watch, "primary").server().role());
      assertEquals("standby", status(watch, "replica").server().role());
      assertEquals(1L, status(watch, "replica").server().timeline());
      assertTrue(watch.result("replica", "standby").orElseThrow().success());
      assertTrue(watch.result("replica", "sync_replication").isEmpty(), "sync_replication is primary-only");
      String sysid = status(watch, "primary").server().systemIdentifier();
      assertEquals(sysid, status(watch, "replica").server().systemIdentifier(), "same cluster");

      pg.primary().stop();
      pg.standby("replica").promote();
      watch.round();

      TargetStatus old = status(watch, "primary");
      assertFalse(old.up());
      assertNotNull(old.lastError());
      var oldResults = watch.cache().view().results().stream().filter(r -> r.target().equals("primary")).toList();
      assertTrue(!oldResults.isEmpty() && oldResults.stream().allMatch(r -> !r.success() && r.samples().isEmpty()
          && r.lastSuccessAt() != null), "a down target keeps collector health, not database samples");

      TargetStatus promoted = status(watch, "replica");
      assertTrue(promoted.up());
      assertEquals("primary", promoted.server().role());
      assertEquals(2L, promoted.server().timeline(), "timeline from the WAL file name, not the lagging checkpoint");
      assertTrue(watch.result("replica", "standby").isEmpty(), "standby collector leaves after promotion");
      assertTrue(watch.result("replica", "sync_replication").orElseThrow().success());
      assertEquals(1, watch.require("replica", "pg_archiver_enabled"), "the promoted node archives now");
      watch.await("replica", "wal", "pg_wal_lsn_bytes", v -> v > 0, Duration.ofSeconds(10));
    }
  }

  private static TargetStatus status(Watch watch, String name) {
    return watch.cache().view().targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }
}
