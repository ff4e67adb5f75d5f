package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import org.junit.jupiter.api.Test;

/**
 * The checkpointer collector: {@code pg_stat_bgwriter} (up to 16) and {@code pg_stat_checkpointer}
 * (17+) rows → the same samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgCheckpointerTest {

  @Test
  void checkpointerKeepsItsNamesAcrossTheSeventeenSplit() throws Exception {
    Row v16 = row("num_timed", 10L, "num_requested", 2L, "write_time", 1.5, "sync_time", 0.25,
        "buffers_written", 300L, "stats_reset", 1735680000.0);
    Row v18 = row("num_timed", 10L, "num_requested", 2L, "write_time", 1.5, "sync_time", 0.25,
        "buffers_written", 300L, "restartpoints_timed", 1L, "restartpoints_req", 0L, "restartpoints_done", 1L,
        "num_done", 11L, "slru_written", 4L, "stats_reset", 1735680000.0);
    String common = """
        # TYPE pg_checkpointer_buffers_written_total counter
        pg_checkpointer_buffers_written_total{target="pg-a"} 300.0
        # TYPE pg_checkpointer_checkpoints_requested_total counter
        pg_checkpointer_checkpoints_requested_total{target="pg-a"} 2.0
        # TYPE pg_checkpointer_checkpoints_timed_total counter
        pg_checkpointer_checkpoints_timed_total{target="pg-a"} 10.0
        """;
    String t16 = expose("checkpointer", PgCheckpointer.map(v16));
    String t18 = expose("checkpointer", PgCheckpointer.map(v18));
    String[] same = {"pg_checkpointer_buffers", "pg_checkpointer_checkpoints_requested", "pg_checkpointer_checkpoints_timed"};
    assertEquals(common, Exposition.only(t16, same));
    assertEquals(common, Exposition.only(t18, same));
    assertFalse(t16.contains("restartpoints") || t16.contains("checkpoints_done") || t16.contains("slru"), t16);
    assertTrue(t18.contains("pg_checkpointer_restartpoints_done_total{target=\"pg-a\"} 1.0"), t18);
    assertTrue(t18.contains("pg_checkpointer_checkpoints_done_total{target=\"pg-a\"} 11.0"), t18);
    assertTrue(PgCheckpointer.sql(16).contains("pg_stat_bgwriter") && PgCheckpointer.sql(17).contains("pg_stat_checkpointer"));
  }
}
