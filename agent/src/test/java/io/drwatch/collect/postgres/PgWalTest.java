package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Exposition;
import org.junit.jupiter.api.Test;

/**
 * The wal collector: the WAL position, segment size and last checkpoint on every version, and the
 * {@code pg_stat_wal} counters from 14 on → samples. Golden exposition text (see {@link Goldens}).
 */
class PgWalTest {

  @Test
  void postgres13HasPositionAndCheckpointButNoWalCounters() throws Exception {
    // 7 segments + 4096 bytes: 7 * 16777216 + 4096
    assertEquals("""
        # TYPE pg_checkpoint_last_timestamp_seconds gauge
        pg_checkpoint_last_timestamp_seconds{target="pg-a"} 1.73568954E9
        # TYPE pg_wal_lsn_bytes gauge
        pg_wal_lsn_bytes{target="pg-a"} 1.17444608E8
        # TYPE pg_wal_segment_size_bytes gauge
        pg_wal_segment_size_bytes{target="pg-a"} 1.6777216E7
        """, expose("wal", PgWal.map(row("lsn", 117_444_608.0, "segment_size", 16_777_216.0,
        "checkpoint_time", 1735689540.0))));
  }

  @Test
  void postgres14AddsTheWalCountersZeroIncluded() throws Exception {
    String text = expose("wal", PgWal.map(row("lsn", 117_444_608.0, "segment_size", 16_777_216.0,
        "checkpoint_time", 1735689540.0, "wal_records", 1200L, "wal_fpi", 0L, "wal_bytes", 98_304.0,
        "wal_buffers_full", 3L)));
    assertEquals("""
        # TYPE pg_wal_buffers_full_total counter
        pg_wal_buffers_full_total{target="pg-a"} 3.0
        # TYPE pg_wal_bytes_total counter
        pg_wal_bytes_total{target="pg-a"} 98304.0
        # TYPE pg_wal_fpi_total counter
        pg_wal_fpi_total{target="pg-a"} 0.0
        # TYPE pg_wal_records_total counter
        pg_wal_records_total{target="pg-a"} 1200.0
        """, Exposition.only(text, "pg_wal_buffers", "pg_wal_bytes", "pg_wal_fpi", "pg_wal_records"));
    assertTrue(text.contains("pg_wal_lsn_bytes{target=\"pg-a\"} 1.17444608E8"), text);
  }

  @Test
  void statWalIsReadFromFourteenOn() {
    assertFalse(PgWal.sql(13).contains("pg_stat_wal"), PgWal.sql(13));
    assertTrue(PgWal.sql(14).contains("pg_stat_wal w") && PgWal.sql(18).contains("w.wal_buffers_full"));
  }
}
