package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every collector runs cleanly on PostgreSQL 13 through 18, on a primary and on a standby, as the
 * pg_monitor role, and version-gated families appear exactly on the versions that have them.
 */
class VersionMatrixIT {

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 14, 15, 16, 17, 18})
  void collectorsSucceedOnPrimaryAndStandby(int major) throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(major).standby("s1", PgSandbox.Sync.SYNC).start();
        Watch watch = Watch.sandbox(pg)) {
      pg.primary().sql("SELECT pg_create_physical_replication_slot('spare', true)");
      pg.write(100);
      watch.round();
      for (String target : List.of("primary", "s1")) {
        var results = watch.cache().view().results().stream().filter(r -> r.target().equals(target)).toList();
        assertTrue(results.size() >= 6, target + " ran " + results.size() + " collectors");
        results.forEach(r -> assertTrue(r.success(), major + " " + target + "/" + r.collector() + ": " + r.error()));
      }
      assertEquals(major, watch.cache().view().targets().get(0).server().majorVersion());
      assertEquals(1, watch.require("primary", "pg_replication_sync_standbys_connected"));
      assertEquals(1, watch.require("s1", "pg_standby_streaming"));
      assertEquals(major >= 14, watch.value("primary", "pg_wal_records_total").isPresent(), "pg_stat_wal is 14+");
      assertEquals(major >= 17, watch.value("primary", "pg_replication_slot_inactive_since_timestamp_seconds",
          "slot_name", "spare").isPresent(), "inactive_since is 17+");
      // conflicting is NULL for physical slots, so it never appears for them on any version
      assertTrue(watch.value("primary", "pg_replication_slot_conflicting").isEmpty());
      assertTrue(watch.value("s1", "pg_standby_replay_paused").isPresent());
      assertTrue(watch.value("primary", "pg_archiver_unarchived_bytes").isPresent());
      assertEquals("", Promtool.checkMetrics(watch.exposition()));
    }
  }
}
